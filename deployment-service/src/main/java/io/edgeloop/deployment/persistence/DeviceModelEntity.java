package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * One slot of a device twin: the desired state of one model on one device (a deployment to run, or "unassigned":
 * run no version of that model), its last known good deployment and what the device last reported for that model. A
 * device has one slot per model name; a change to one slot never touches another.
 */
@Entity
@Table(
        name = "device_model",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "device_model_uq",
                        columnNames = {"device_id", "model_name"}),
        indexes = @Index(name = "device_model_device_idx", columnList = "device_id"))
public class DeviceModelEntity extends PanacheEntityBase {
    /** From a pooled sequence (50 ids per call), so that many new rows are inserted in JDBC batches. */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "device_model_seq")
    @SequenceGenerator(name = "device_model_seq", sequenceName = "device_model_seq", allocationSize = 50)
    public Long id;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    /** The device's desired-state revision when this slot last changed (0 = never desired). */
    @Column(nullable = false)
    public long revision;

    /** Deployment of this model the device should run, or null. */
    @Column(name = "desired_deployment_id")
    public String desiredDeploymentId;

    /** Set when the device should run no version of this model: the rolled-back deployment that caused it. */
    @Column(name = "unassigned_by_deployment_id")
    public String unassignedByDeploymentId;

    @Column(name = "unassigned_reason", length = 2000)
    public String unassignedReason;

    /** Deployment of the last rollout of this model that completed on the device: where a rollback returns it. */
    @Column(name = "last_good_deployment_id")
    public String lastGoodDeploymentId;

    @Column(name = "reported_deployment_id")
    public String reportedDeploymentId;

    @Enumerated(EnumType.STRING)
    @Column(name = "reported_state")
    public TargetState reportedState;

    @Column(name = "reported_model_version")
    public int reportedModelVersion;

    @Column(name = "reported_variant_id")
    public String reportedVariantId;

    @Column(name = "reported_message", length = 2000)
    public String reportedMessage;

    @Column(name = "reported_at")
    public Instant reportedAt;

    /** Points the slot at {@code deploymentId} at device revision {@code revision}. */
    public void desire(String deploymentId, long revision) {
        desiredDeploymentId = deploymentId;
        unassignedByDeploymentId = null;
        unassignedReason = null;
        this.revision = revision;
    }

    /** Sets the slot to "run no version of this model" at device revision {@code revision}. */
    public void unassign(String byDeploymentId, String reason, long revision) {
        desiredDeploymentId = null;
        unassignedByDeploymentId = byDeploymentId;
        unassignedReason = reason;
        this.revision = revision;
    }

    /** Whether the desired state is "run no version of this model". */
    public boolean isUnassigned() {
        return desiredDeploymentId == null && unassignedByDeploymentId != null;
    }

    /** Whether the slot has a desired state (a deployment or unassigned). */
    public boolean hasDesiredState() {
        return desiredDeploymentId != null || unassignedByDeploymentId != null;
    }
}
