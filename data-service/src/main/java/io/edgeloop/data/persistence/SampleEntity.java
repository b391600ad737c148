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
 * One labelled sample. The id is content-addressed (sha256 over dataset name, features and label), so a sample is
 * stored once and never changes; its split is fixed at ingest. Rows are written with plain JDBC by
 * {@link SampleStore}; the entity defines the table.
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

    @Column(name = "label_index", nullable = false)
    public short labelIndex;

    @Column(nullable = false, length = 64)
    public String label;

    @Column(length = 200)
    public String source;

    /** {@link io.edgeloop.data.domain.Split#code()}. */
    @Column(nullable = false)
    public short split;

    @Column(name = "ingested_at", nullable = false)
    public Instant ingestedAt;
}
