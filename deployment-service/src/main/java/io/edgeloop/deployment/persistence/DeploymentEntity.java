package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** A rollout of one model variant to the fleet, created from a ModelOptimized event. */
@Entity
@Table(
        name = "deployment",
        indexes = {
            @Index(name = "deployment_created_idx", columnList = "created_at"),
            @Index(name = "deployment_status_idx", columnList = "status")
        })
public class DeploymentEntity extends PanacheEntityBase {
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
}
