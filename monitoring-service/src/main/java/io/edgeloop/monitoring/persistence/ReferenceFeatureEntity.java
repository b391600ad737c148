package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** One feature of a reference profile (numerical or categorical); arrays are little-endian float64 ({@link Codec}). */
@Entity
@Table(
        name = "reference_feature",
        uniqueConstraints = @UniqueConstraint(columnNames = {"snapshot_id", "feature_index"}))
public class ReferenceFeatureEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "snapshot_id", nullable = false)
    public String snapshotId;

    @Column(name = "feature_index", nullable = false)
    public int featureIndex;

    @Column(nullable = false)
    public double mean;

    @Column(nullable = false)
    public double std;

    @Column(name = "min_value", nullable = false)
    public double min;

    @Column(name = "max_value", nullable = false)
    public double max;

    /** Ascending sample values. */
    @Column(name = "sorted_sample", nullable = false)
    public byte[] sortedSample;

    @Column(name = "bin_edges", nullable = false)
    public byte[] binEdges;

    @Column(name = "bin_proportions", nullable = false)
    public byte[] binProportions;

    /** {@code numerical} or {@code categorical}. */
    @Column(nullable = false)
    public String kind = "numerical";

    /** A categorical feature's rows per category: float64 pairs (code, rows), ascending codes; null when numerical. */
    @Column(name = "category_counts")
    public byte[] categoryCounts;
}
