package io.edgeloop.data.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A dataset's schema: ordered feature names and ordered class labels. Immutable once created. */
@Entity
@Table(name = "dataset")
public class DatasetEntity {
    @Id
    @Column(length = 63)
    public String name;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "feature_names", nullable = false)
    public String[] featureNames;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] labels;

    /** {@code features}, {@code timeseries} or {@code image}; null (datasets defined before it existed) = features. */
    @Column(name = "data_kind", length = 16)
    public String dataKind;

    /** Shape of one sample; null = [feature count]. Its product is the number of features. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "sample_shape")
    public Integer[] sampleShape;

    /** Sampling rate of a timeseries data set in Hz; null = not declared. Part of the schema. */
    @Column(name = "sample_rate_hz")
    public Double sampleRateHz;

    /**
     * Kind of each feature, in feature order: {@code numerical} or {@code categorical} (integer category codes); null
     * = every feature numerical. Part of the schema.
     */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "feature_kinds")
    public String[] featureKinds;

    /** Outlier check of new samples: dataset, per-class or off; null = the service default. */
    @Column(name = "outlier_mode", length = 16)
    public String outlierMode;

    /** Outlier threshold in MADs; null = the service default. */
    @Column(name = "outlier_mad_threshold")
    public Double outlierMadThreshold;

    /** What counts as a duplicate sample: keep or drop; null = keep. */
    @Column(length = 16)
    public String duplicates;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When it was deleted (hidden, no new samples; its snapshots stay readable); null = live. */
    @Column(name = "deleted_at")
    public Instant deletedAt;
}
