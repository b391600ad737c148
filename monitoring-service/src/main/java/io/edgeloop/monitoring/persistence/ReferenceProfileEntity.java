package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** A reference profile's header; its features are {@link ReferenceFeatureEntity} rows. */
@Entity
@Table(name = "reference_profile")
public class ReferenceProfileEntity extends PanacheEntityBase {
    @Id
    @Column(name = "snapshot_id")
    public String snapshotId;

    @Column(name = "dataset_name", nullable = false)
    public String datasetName;

    @Column(name = "dataset_version", nullable = false)
    public int datasetVersion;

    @Column(name = "feature_count", nullable = false)
    public int featureCount;

    @Column(name = "train_count", nullable = false)
    public long trainCount;

    @Column(name = "sample_size", nullable = false)
    public int sampleSize;

    /** The DataReady event the profile was built from. */
    @Column(name = "source_event_id", nullable = false)
    public String sourceEventId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Why the snapshot was cut ({@code DataReady.trigger}); {@code live-baseline} for a live baseline; may be null. */
    @Column(name = "trigger")
    public String trigger;

    /** TRAIN rows per class label (empty for profiles stored before labels were counted). */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "reference_label", joinColumns = @JoinColumn(name = "snapshot_id"))
    @MapKeyColumn(name = "label")
    @Column(name = "train_count", nullable = false)
    public Map<String, Long> labelCounts = new HashMap<>();
}
