package io.edgeloop.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One registered version of a model: its artifact, how it was trained and how well it did. */
@Entity
@Table(
        name = "registry_model_version",
        // garbage collection looks blobs up by digest
        indexes = @Index(name = "registry_model_version_sha_idx", columnList = "artifact_sha256"),
        uniqueConstraints = {
            @UniqueConstraint(
                    name = "registry_model_version_uk",
                    columnNames = {"model_name", "version"}),
            @UniqueConstraint(
                    name = "registry_model_version_idempotency_uk",
                    columnNames = {"model_name", "idempotency_key"})
        })
public class ModelVersionEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "model_name", nullable = false, length = 128)
    public String modelName;

    @Column(nullable = false)
    public int version;

    @Column(name = "artifact_sha256", nullable = false, length = 64)
    public String artifactSha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(length = 200)
    public String architecture;

    @Column(name = "feature_count", nullable = false)
    public int featureCount;

    @ElementCollection
    @CollectionTable(name = "registry_version_label", joinColumns = @JoinColumn(name = "version_id"))
    @OrderColumn(name = "label_index")
    @Column(name = "label", nullable = false, length = 200)
    public List<String> classLabels = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "registry_version_metric", joinColumns = @JoinColumn(name = "version_id"))
    @MapKeyColumn(name = "metric_name", length = 200)
    @Column(name = "metric_value", nullable = false)
    public Map<String, Double> metrics = new HashMap<>();

    /** Free-form key/value labels (e.g. {@code stage=qa}), set at registration or later over REST. */
    @ElementCollection
    @CollectionTable(name = "registry_version_tag", joinColumns = @JoinColumn(name = "version_id"))
    @MapKeyColumn(name = "tag_key", length = 250)
    @Column(name = "tag_value", nullable = false, length = 5000)
    public Map<String, String> tags = new HashMap<>();

    @Embedded
    public LineageEmbeddable lineage = new LineageEmbeddable();

    /** Set by RegisterVersion callers so retries return this version; null when none was given. */
    @Column(name = "idempotency_key", length = 200)
    public String idempotencyKey;

    @OneToMany(mappedBy = "modelVersion")
    @OrderBy("target")
    public List<ModelVariantEntity> variants = new ArrayList<>();

    /** Free text (MLflow {@code model-versions/update}); null when none. */
    @Column(length = 5000)
    public String description;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When it last changed (MLflow {@code last_updated_timestamp}): its registration, then description changes. */
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The authenticated subject (an {@code ml} identity) that registered it; null for rows from before. */
    @Column(name = "registered_by", length = 200)
    public String registeredBy;
}
