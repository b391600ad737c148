package io.edgeloop.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** A deployable build of a model version for one target (e.g. an int8 ONNX Runtime model for x86 edge devices). */
@Entity
@Table(
        name = "registry_model_variant",
        // garbage collection looks blobs up by digest
        indexes = @Index(name = "registry_model_variant_sha_idx", columnList = "artifact_sha256"),
        uniqueConstraints = {
            @UniqueConstraint(
                    name = "registry_model_variant_target_uk",
                    columnNames = {"version_id", "target"}),
            @UniqueConstraint(
                    name = "registry_model_variant_id_uk",
                    columnNames = {"variant_id"})
        })
public class ModelVariantEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** {@code <model>-v<version>-<target>}. */
    @Column(name = "variant_id", nullable = false, length = 300)
    public String variantId;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "version_id", nullable = false)
    public ModelVersionEntity modelVersion;

    @Column(nullable = false, length = 64)
    public String target;

    @Column(nullable = false, length = 64)
    public String format;

    @Column(name = "artifact_sha256", nullable = false, length = 64)
    public String artifactSha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @ElementCollection
    @CollectionTable(name = "registry_variant_metric", joinColumns = @JoinColumn(name = "variant_row_id"))
    @MapKeyColumn(name = "metric_name", length = 200)
    @Column(name = "metric_value", nullable = false)
    public Map<String, Double> metrics = new HashMap<>();

    @ElementCollection
    @CollectionTable(name = "registry_variant_setting", joinColumns = @JoinColumn(name = "variant_row_id"))
    @MapKeyColumn(name = "setting_name", length = 200)
    @Column(name = "setting_value", nullable = false, length = 2000)
    public Map<String, String> settings = new HashMap<>();

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The authenticated subject (an {@code ml} identity) that registered it; null for rows from before. */
    @Column(name = "registered_by", length = 200)
    public String registeredBy;
}
