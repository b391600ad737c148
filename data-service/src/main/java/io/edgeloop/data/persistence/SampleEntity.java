package io.edgeloop.data.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One sample, labelled or not. The id is fixed at ingest (content-addressed, see {@link
 * io.edgeloop.data.domain.SampleKeys}); features never change, the label may (history in {@code label_change}); the
 * split is fixed when the sample gets its first label. Deleted samples keep their row (soft deletion) for the
 * snapshots that hold them. Rows are written with plain JDBC by {@link SampleStore} and {@link LabelStore}.
 */
@Entity
@Table(name = "sample", indexes = @Index(name = "sample_dataset_idx", columnList = "dataset_name,id"))
public class SampleEntity {
    /** Hex sha256; binary collation so that ordering by id is the same as Java's string order. */
    @Id
    @Column(columnDefinition = "varchar(64) collate \"C\"")
    public String id;

    @Column(name = "dataset_name", nullable = false, length = 63)
    public String datasetName;

    /** float4[]: the feature values in the dataset's feature order. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public float[] features;

    /** Index in the data set's labels; null = unlabeled. */
    @Column(name = "label_index")
    public Short labelIndex;

    /** Null = unlabeled. */
    @Column(length = 64)
    public String label;

    /** Whether the label differs from the one the sample was ingested with (the id no longer says the label). */
    @Column(name = "label_edited", nullable = false)
    public boolean labelEdited;

    /** When it was deleted; null = live. */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(length = 200)
    public String source;

    /** {@link io.edgeloop.data.domain.Split#code()}; 0 = none (unlabeled). */
    @Column(nullable = false)
    public short split;

    @Column(name = "ingested_at", nullable = false)
    public Instant ingestedAt;
}
