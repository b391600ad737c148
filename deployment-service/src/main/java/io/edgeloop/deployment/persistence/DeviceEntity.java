package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A registered edge device and its twin: the desired deployment (what it should run) and the state it last
 * reported (what it runs).
 */
@Entity
@Table(name = "device")
public class DeviceEntity extends PanacheEntityBase {
    @Id
    public String id;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "device_label", joinColumns = @JoinColumn(name = "device_id"))
    @MapKeyColumn(name = "name")
    @Column(name = "value", length = 1000)
    public Map<String, String> labels = new HashMap<>();

    public String architecture;

    @Column(name = "ram_mb")
    public int ramMb;

    public String runtime;

    @Column(name = "runtime_version")
    public String runtimeVersion;

    /** Accelerators, comma separated (e.g. {@code npu,gpu}), or null. */
    public String accelerators;

    /** Storage for models, MiB (0 or null = unknown). */
    @Column(name = "storage_mb")
    public Integer storageMb;

    /** Deployment of the last rollout that completed on this device: where a rollback returns it. */
    @Column(name = "last_good_deployment_id")
    public String lastGoodDeploymentId;

    /** Incremented whenever the desired deployment changes; watch streams never go back to a lower revision. */
    @Column(name = "desired_revision")
    public Long desiredRevision;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    /** Last Register, WatchAssignments or ReportState call. */
    @Column(name = "last_seen_at", nullable = false)
    public Instant lastSeenAt;

    /** Deployment the device should run, or null. */
    @Column(name = "desired_deployment_id")
    public String desiredDeploymentId;

    /**
     * Set when the desired state is "run nothing" (then {@link #desiredDeploymentId} is null): the rolled-back
     * deployment that left the device without an earlier one to return to. Null otherwise.
     */
    @Column(name = "unassigned_by_deployment_id")
    public String unassignedByDeploymentId;

    /** Why the device should run nothing (with {@link #unassignedByDeploymentId}). */
    @Column(name = "unassigned_reason", length = 2000)
    public String unassignedReason;

    @Column(name = "reported_deployment_id")
    public String reportedDeploymentId;

    @Enumerated(EnumType.STRING)
    @Column(name = "reported_state")
    public TargetState reportedState;

    @Column(name = "reported_model_name")
    public String reportedModelName;

    @Column(name = "reported_model_version")
    public int reportedModelVersion;

    @Column(name = "reported_variant_id")
    public String reportedVariantId;

    @Column(name = "reported_message", length = 2000)
    public String reportedMessage;

    @Column(name = "reported_at")
    public Instant reportedAt;

    /** Points the twin's desired state at {@code deploymentId} and bumps the revision. */
    public long desire(String deploymentId) {
        desiredDeploymentId = deploymentId;
        unassignedByDeploymentId = null;
        unassignedReason = null;
        return bumpRevision();
    }

    /**
     * Sets the twin's desired state to "run nothing" (the device unloads its model) and bumps the revision.
     *
     * @param byDeploymentId the rolled-back deployment that caused it
     * @param reason why, for the device and the REST view
     */
    public long unassign(String byDeploymentId, String reason) {
        desiredDeploymentId = null;
        unassignedByDeploymentId = byDeploymentId;
        unassignedReason = reason;
        return bumpRevision();
    }

    /** Whether the desired state is "run nothing" (see {@link #unassign}). */
    public boolean isUnassigned() {
        return desiredDeploymentId == null && unassignedByDeploymentId != null;
    }

    private long bumpRevision() {
        desiredRevision = (desiredRevision == null ? 0 : desiredRevision) + 1;
        return desiredRevision;
    }

    /** The accelerators as a list. */
    public java.util.List<String> acceleratorList() {
        if (accelerators == null || accelerators.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(accelerators.split(","))
                .map(String::trim)
                .filter(a -> !a.isEmpty())
                .toList();
    }
}
