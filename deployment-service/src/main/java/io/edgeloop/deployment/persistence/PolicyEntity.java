package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A deployment policy set over REST ({@code PUT /policies/{name}}): for one model (exact name) or a project of models
 * (a name ending in {@code *}). Rollout and promotion keys left null take the configuration defaults when resolved.
 */
@Entity
@Table(name = "deployment_policy")
public class PolicyEntity extends PanacheEntityBase {
    /** Model name, or a prefix pattern ending in {@code *}. */
    @Id
    public String name;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "deployment_policy_selector", joinColumns = @JoinColumn(name = "policy_name"))
    @MapKeyColumn(name = "label")
    @Column(name = "value", length = 1000)
    public Map<String, String> selector = new HashMap<>();

    @Column(name = "auto_rollout", nullable = false)
    public boolean autoRollout;

    /** The rollout keys the policy sets (null = the configuration default; null when it sets none). */
    @Embedded
    public RolloutSettingsColumns rollout;

    @Column(name = "min_accuracy")
    public Double minAccuracy;

    @Column(name = "max_accuracy_drop")
    public Double maxAccuracyDrop;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The authenticated subject that last set the policy (null for policies set before it was recorded). */
    @Column(name = "updated_by")
    public String updatedBy;
}
