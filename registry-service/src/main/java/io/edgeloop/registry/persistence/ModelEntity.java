package io.edgeloop.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A model name and its version counter. Writers lock this row ({@code SELECT ... FOR UPDATE}) so version numbers
 * are assigned one at a time per model.
 */
@Entity
@Table(name = "registry_model")
public class ModelEntity extends PanacheEntityBase {
    @Id
    @Column(length = 128)
    public String name;

    /** Highest version registered, 0 before the first. */
    @Column(name = "latest_version", nullable = false)
    public int latestVersion;

    /** Model-level key/value labels (MLflow registered-model tags). */
    @ElementCollection
    @CollectionTable(name = "registry_model_tag", joinColumns = @JoinColumn(name = "model_name"))
    @MapKeyColumn(name = "tag_key", length = 250)
    @Column(name = "tag_value", nullable = false, length = 5000)
    public Map<String, String> tags = new HashMap<>();

    /** Free text (MLflow {@code registered-models/update}); null when none. */
    @Column(length = 5000)
    public String description;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
