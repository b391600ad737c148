package io.edgeloop.deployment.persistence;

import io.edgeloop.deployment.domain.RolloutSettings;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A staged rollout of one model version to the devices its label selector matches, created from a ModelOptimized
 * event (the rollout id is the deployment id). The variant fields describe the recommended variant; each target
 * carries the variant chosen for its device.
 */
@Entity
@Table(
        name = "deployment",
        indexes = {
            @Index(name = "deployment_created_idx", columnList = "created_at"),
            @Index(name = "deployment_status_idx", columnList = "status"),
            @Index(name = "deployment_model_status_created_idx", columnList = "model_name, status, created_at desc")
        })
public class DeploymentEntity extends PanacheEntityBase {
    /** What a column left null by a row written before staged rollouts reads as. */
    private static final RolloutSettings BEFORE_STAGED_ROLLOUTS = new RolloutSettings(
            100,
            RolloutSettings.parseWavePercents(null),
            Duration.ZERO,
            1,
            Double.MAX_VALUE,
            1,
            0,
            Duration.ofMillis(300_000),
            Duration.ofMillis(120_000),
            RolloutSettings.NO_TELEMETRY_FAIL,
            Map.of());

    @Id
    public String id;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    @Column(name = "variant_id", nullable = false)
    public String variantId;

    @Column(name = "artifact_sha256", nullable = false, length = 64)
    public String artifactSha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(nullable = false)
    public String format;

    @Column(name = "snapshot_id")
    public String snapshotId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeploymentStatus status;

    /** Event id of the ModelOptimized event that caused this deployment. */
    @Column(name = "cause_event_id", nullable = false, unique = true)
    public String causeEventId;

    @Column(name = "correlation_id")
    public String correlationId;

    /** Trace context of the rollout; assignments and the Deployed event continue it. */
    public String traceparent;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** Event id of the Deployed event, once emitted. */
    @Column(name = "deployed_event_id")
    public String deployedEventId;

    /** Label selector of the fleet; empty = every device. */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "deployment_selector", joinColumns = @JoinColumn(name = "deployment_id"))
    @MapKeyColumn(name = "name")
    @Column(name = "value", length = 1000)
    public Map<String, String> selector = new HashMap<>();

    /** Wave being rolled out (1-based). */
    @Column(name = "current_wave")
    public Integer currentWave;

    @Column(name = "waves_total")
    public Integer wavesTotal;

    /** When the current wave's devices were assigned (or the rollout resumed). */
    @Column(name = "wave_started_at")
    public Instant waveStartedAt;

    /** When every device of the current wave had reported ACTIVE; its soak time runs from here. */
    @Column(name = "wave_activated_at")
    public Instant waveActivatedAt;

    /** Why the rollout ended as it did (gate reasons, manual rollback, superseding deployment). */
    @Column(name = "status_reason", length = 4000)
    public String statusReason;

    /** The effective rollout settings (null when every column is, as in rows written before staged rollouts). */
    @Embedded
    public RolloutSettingsColumns rollout;

    /** The deployment policy the rollout started with (null while held). */
    @Column(name = "policy_name")
    public String policyName;

    /** PromotionEvidence of the ModelOptimized event (serialized protobuf), or null when it carried none. */
    @Column(name = "promotion_evidence")
    public byte[] promotionEvidence;

    /** ModelOptimized.class_labels, one per line, or null. */
    /** The replica driving the rollout (its lease; written only by RolloutLeases), or null. */
    @Column(name = "driver", length = 200, insertable = false, updatable = false)
    public String driver;

    /** When the driver's lease lapses unless renewed. */
    @Column(name = "driver_until", insertable = false, updatable = false)
    public Instant driverUntil;

    @Column(name = "class_labels", columnDefinition = "text")
    public String classLabels;

    /** The class labels as a list. */
    public java.util.List<String> classLabelList() {
        return classLabels == null || classLabels.isEmpty()
                ? java.util.List.of()
                : java.util.List.of(classLabels.split("\n", -1));
    }

    /** Stores the effective settings of the rollout. */
    public void apply(RolloutSettings s) {
        if (rollout == null) {
            rollout = new RolloutSettingsColumns();
        }
        rollout.apply(s);
        selector.clear();
        selector.putAll(s.selector());
    }

    /** The stored settings (rows written before staged rollouts read as one 100% wave without soak). */
    public RolloutSettings settings() {
        return (rollout == null ? new RolloutSettingsColumns() : rollout).settings(BEFORE_STAGED_ROLLOUTS, selector);
    }

    /** Whether the rollout still changes the fleet (rolling out or paused). */
    public boolean isActive() {
        return status == DeploymentStatus.ROLLING_OUT || status == DeploymentStatus.PAUSED;
    }
}
