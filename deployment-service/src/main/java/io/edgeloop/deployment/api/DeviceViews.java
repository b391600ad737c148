package io.edgeloop.deployment.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.TargetState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON views of device twins: one entry per model a device has a desired or reported state for. */
public final class DeviceViews {
    private DeviceViews() {}

    /** Hardware and runtime a device reported at registration. */
    public record Capabilities(
            String architecture,
            int ramMb,
            String runtime,
            String runtimeVersion,
            List<String> accelerators,
            int storageMb,
            int maxOpset,
            List<String> opDomains,
            List<String> tensorDatatypes,
            int modelMemoryBudgetMb,
            int maxModels) {
        static Capabilities of(DeviceEntity d) {
            return new Capabilities(
                    d.architecture,
                    d.ramMb,
                    d.runtime,
                    d.runtimeVersion,
                    d.acceleratorList(),
                    d.storageMb == null ? 0 : d.storageMb,
                    d.maxOpset == null ? 0 : d.maxOpset,
                    DeviceEntity.split(d.opDomains),
                    DeviceEntity.split(d.tensorDatatypes),
                    d.modelMemoryBudgetMb == null ? 0 : d.modelMemoryBudgetMb,
                    d.maxModels == null ? 0 : d.maxModels);
        }
    }

    /** What a device should run for one model. */
    public record Desired(String deploymentId, int modelVersion, String variantId, String artifactSha256) {}

    /**
     * Why a device should run no version of a model.
     *
     * @param deploymentId the rolled-back deployment that left it without an earlier one to return to
     */
    public record Unassigned(String deploymentId, String reason) {}

    /** What a device last reported for one model. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reported(
            String deploymentId,
            TargetState state,
            int modelVersion,
            String variantId,
            String message,
            Instant reportedAt) {}

    /**
     * The newest rollout of a model that selected a device but had no variant the device can run (its target is
     * INCOMPATIBLE: RAM, storage, memory budget, model count or runtime capabilities), newer than what the device is
     * asked to run: the device was never sent it and keeps its previous version.
     *
     * @param deploymentId the rollout
     * @param modelVersion its model version
     * @param reason why no variant fits, per variant (e.g. "... the device's model memory budget of 1 MiB leaves ...")
     * @param at when the rollout found it incompatible
     */
    public record Incompatible(String deploymentId, int modelVersion, String reason, Instant at) {}

    /**
     * One model of a device twin.
     *
     * @param desiredState {@code NONE} (never assigned), {@code ASSIGNED} (run {@code desired}) or {@code UNASSIGNED}
     *     (run no version of the model: a rollback left it without an earlier deployment; see {@code unassigned})
     * @param inSync whether it reported ACTIVE for its desired deployment (UNLOADED for its unassigned state)
     * @param revision the device's desired-state revision when this model's desired state last changed
     * @param incompatible the newest rollout of the model that could not give the device a variant, when it is newer
     *     than the desired (and the reported) version; absent otherwise
     */
    public record Model(
            String modelName,
            Desired desired,
            String desiredState,
            Unassigned unassigned,
            Reported reported,
            boolean inSync,
            String lastGoodDeploymentId,
            long revision,
            @JsonInclude(JsonInclude.Include.NON_NULL) Incompatible incompatible) {
        static Model of(DeviceModelEntity s, DeploymentEntity desired, Incompatible incompatible) {
            Reported reported = s.reportedState == null && s.reportedMessage == null
                    ? null
                    : new Reported(
                            s.reportedDeploymentId,
                            s.reportedState,
                            s.reportedModelVersion,
                            s.reportedVariantId,
                            s.reportedMessage,
                            s.reportedAt);
            boolean unassigned = s.isUnassigned();
            boolean inSync = unassigned
                    ? s.unassignedByDeploymentId.equals(s.reportedDeploymentId)
                            && s.reportedState == TargetState.UNLOADED
                    : desired != null
                            && desired.id.equals(s.reportedDeploymentId)
                            && s.reportedState == TargetState.ACTIVE;
            return new Model(
                    s.modelName,
                    desired == null
                            ? null
                            : new Desired(
                                    desired.id, desired.modelVersion, variantOf(s, desired), desired.artifactSha256),
                    unassigned ? "UNASSIGNED" : s.desiredDeploymentId != null ? "ASSIGNED" : "NONE",
                    unassigned ? new Unassigned(s.unassignedByDeploymentId, s.unassignedReason) : null,
                    reported,
                    inSync,
                    s.lastGoodDeploymentId,
                    s.revision,
                    newer(incompatible, Math.max(desired == null ? 0 : desired.modelVersion, s.reportedModelVersion)));
        }

        /** A model the device never had a slot for: only a rollout that found it incompatible names it. */
        static Model incompatibleOnly(String modelName, Incompatible incompatible) {
            return new Model(modelName, null, "NONE", null, null, false, null, 0, incompatible);
        }

        private static Incompatible newer(Incompatible incompatible, int version) {
            return incompatible != null && incompatible.modelVersion() > version ? incompatible : null;
        }

        private static String variantOf(DeviceModelEntity s, DeploymentEntity d) {
            var t = io.edgeloop.deployment.domain.Assignments.targetOf(d.id, s.deviceId);
            return t != null && t.variantId != null ? t.variantId : d.variantId;
        }
    }

    /**
     * A device twin.
     *
     * @param connected whether the device has a live WatchAssignments stream to this instance
     * @param desiredRevision the device's desired-state revision (incremented on every change to any model)
     * @param inSync whether every model is in sync
     * @param models every model it has a desired or reported state for, by name
     * @param revokedAt when an administrator revoked it (null while enrolled)
     */
    public record Device(
            String id,
            Map<String, String> labels,
            Capabilities capabilities,
            Instant registeredAt,
            Instant lastSeenAt,
            boolean connected,
            long desiredRevision,
            boolean inSync,
            List<Model> models,
            Instant revokedAt) {
        static Device of(DeviceEntity d, List<Model> models, boolean connected) {
            return new Device(
                    d.id,
                    new TreeMap<>(d.labels),
                    Capabilities.of(d),
                    d.registeredAt,
                    d.lastSeenAt,
                    connected,
                    d.desiredRevision == null ? 0 : d.desiredRevision,
                    models.stream().allMatch(m -> m.inSync() || "NONE".equals(m.desiredState())),
                    models,
                    d.revokedAt);
        }
    }
}
