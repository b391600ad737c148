package io.edgeloop.data.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An immutable dataset snapshot: version, content hash and split counts; members are in snapshot_sample. */
@Entity
@Table(
        name = "snapshot",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "snapshot_dataset_version_uk",
                        columnNames = {"dataset_name", "version"}))
public class SnapshotEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "dataset_name", nullable = false, length = 63)
    public String datasetName;

    @Column(nullable = false)
    public int version;

    @Column(name = "content_hash", nullable = false, length = 64)
    public String contentHash;

    @Column(name = "feature_count", nullable = false)
    public int featureCount;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] labels;

    @Column(name = "train_count", nullable = false)
    public long trainCount;

    @Column(name = "validation_count", nullable = false)
    public long validationCount;

    @Column(name = "test_count", nullable = false)
    public long testCount;

    /** Why it was cut: "manual", "drift", ... */
    @Column(name = "trigger_name", nullable = false, length = 32)
    public String trigger;

    /** The loop iteration this snapshot starts. */
    @Column(name = "correlation_id", nullable = false, length = 36)
    public String correlationId;

    /** Event id of the DataReady event announcing it. */
    @Column(name = "event_id", nullable = false, length = 36)
    public String eventId;

    /** Event id of the event that caused it (DriftDetected), or null. */
    @Column(name = "causation_id", length = 64)
    public String causationId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Unlabeled samples left out of it; null for snapshots cut before unlabeled samples existed. */
    @Column(name = "unlabeled_count")
    public Long unlabeledCount;

    /** Warnings about the snapshot (e.g. a test split too small to measure on); null for older snapshots. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "warnings")
    public String[] warnings;
}
