package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
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
 * A registered edge device: labels, capabilities and its desired-state revision. The twin (desired vs reported state)
 * is kept per model in {@link DeviceModelEntity}.
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

    /** Highest default-domain ONNX opset the runtime runs (0 = unknown). */
    @Column(name = "max_opset")
    public Integer maxOpset;

    /** Operator domains besides the default one, comma separated, or null. */
    @Column(name = "op_domains", length = 1000)
    public String opDomains;

    /** Tensor datatypes the device can feed and read (KServe names), comma separated, or null (= not checked). */
    @Column(name = "tensor_datatypes", length = 1000)
    public String tensorDatatypes;

    /** Memory granted to all its models together, MiB (0 or null = unknown). */
    @Column(name = "model_memory_budget_mb")
    public Integer modelMemoryBudgetMb;

    /** Most models served at once (0 or null = no limit). */
    @Column(name = "max_models")
    public Integer maxModels;

    /**
     * The desired-state revision: incremented on every change to any of the device's model slots; a watch stream
     * never goes back to a lower revision of the same model.
     */
    @Column(name = "desired_revision")
    public Long desiredRevision;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    /** Last Register, WatchAssignments or ReportState call. */
    @Column(name = "last_seen_at", nullable = false)
    public Instant lastSeenAt;

    /**
     * When an administrator revoked the device (null while it is enrolled): a revoked device has no assignments, is
     * never selected by a rollout and every call made for it is refused.
     */
    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** The subject that revoked the device. */
    @Column(name = "revoked_by")
    public String revokedBy;

    /**
     * Legacy NOT NULL column of the single-model twin (now in {@link DeviceModelEntity}); mapped only so that devices
     * can still be inserted into a database created before several models per device. Always 0.
     */
    @Deprecated
    @Column(name = "reported_model_version")
    public int legacyReportedModelVersion;

    /** Whether the device was revoked. */
    public boolean isRevoked() {
        return revokedAt != null;
    }

    /** Increments and returns the desired-state revision. */
    public long nextRevision() {
        desiredRevision = (desiredRevision == null ? 0 : desiredRevision) + 1;
        return desiredRevision;
    }

    /** Splits a comma-separated column. */
    public static java.util.List<String> split(String csv) {
        if (csv == null || csv.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(a -> !a.isEmpty())
                .toList();
    }

    /** Joins a list for a comma-separated column (null when empty). */
    public static String join(java.util.List<String> values) {
        java.util.List<String> clean =
                values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
        return clean.isEmpty() ? null : String.join(",", clean);
    }

    /** The accelerators as a list. */
    public java.util.List<String> acceleratorList() {
        return split(accelerators);
    }
}
