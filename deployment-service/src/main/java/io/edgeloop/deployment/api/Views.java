package io.edgeloop.deployment.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.edgeloop.deployment.domain.RolloutSettings;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.RolloutGateEntity;
import io.edgeloop.deployment.persistence.RolloutHistoryEntity;
import io.edgeloop.deployment.persistence.TargetState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON views of the fleet returned by the REST API. */
public final class Views {
    private Views() {}

    /** Hardware and runtime a device reported at registration. */
    public record Capabilities(
            String architecture,
            int ramMb,
            String runtime,
            String runtimeVersion,
            List<String> accelerators,
            int storageMb) {}

    /** What a device should run. */
    public record Desired(
            String deploymentId, String modelName, int modelVersion, String variantId, String artifactSha256) {}

    /**
     * Why a device should run no model.
     *
     * @param deploymentId the rolled-back deployment that left it without an earlier one to return to
     */
    public record Unassigned(String deploymentId, String reason) {}

    /** What a device last reported. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reported(
            String deploymentId,
            TargetState state,
            String modelName,
            int modelVersion,
            String variantId,
            String message,
            Instant reportedAt) {}

    /**
     * A device twin.
     *
     * @param connected whether the device has a live WatchAssignments stream to this instance
     * @param desired the model it should run; null when it has none
     * @param desiredState {@code NONE} (never assigned), {@code ASSIGNED} (run {@code desired}) or {@code UNASSIGNED}
     *     (run no model: a rollback left it without an earlier deployment; see {@code unassigned})
     * @param unassigned why it should run nothing (only with {@code UNASSIGNED})
     * @param inSync whether it reported ACTIVE for its desired deployment (UNLOADED for its unassigned state)
     */
    public record Device(
            String id,
            Map<String, String> labels,
            Capabilities capabilities,
            Instant registeredAt,
            Instant lastSeenAt,
            boolean connected,
            Desired desired,
            String desiredState,
            Unassigned unassigned,
            Reported reported,
            boolean inSync,
            String lastGoodDeploymentId) {
        static Device of(DeviceEntity d, DeploymentEntity desired, boolean connected) {
            Reported reported = d.reportedState == null
                    ? null
                    : new Reported(
                            d.reportedDeploymentId,
                            d.reportedState,
                            d.reportedModelName,
                            d.reportedModelVersion,
                            d.reportedVariantId,
                            d.reportedMessage,
                            d.reportedAt);
            boolean unassigned = d.isUnassigned();
            boolean inSync = unassigned
                    ? d.unassignedByDeploymentId.equals(d.reportedDeploymentId)
                            && d.reportedState == TargetState.UNLOADED
                    : desired != null
                            && desired.id.equals(d.reportedDeploymentId)
                            && d.reportedState == TargetState.ACTIVE;
            return new Device(
                    d.id,
                    new TreeMap<>(d.labels),
                    new Capabilities(
                            d.architecture,
                            d.ramMb,
                            d.runtime,
                            d.runtimeVersion,
                            d.acceleratorList(),
                            d.storageMb == null ? 0 : d.storageMb),
                    d.registeredAt,
                    d.lastSeenAt,
                    connected,
                    desired == null
                            ? null
                            : new Desired(
                                    desired.id,
                                    desired.modelName,
                                    desired.modelVersion,
                                    desired.variantId,
                                    desired.artifactSha256),
                    unassigned ? "UNASSIGNED" : d.desiredDeploymentId != null ? "ASSIGNED" : "NONE",
                    unassigned ? new Unassigned(d.unassignedByDeploymentId, d.unassignedReason) : null,
                    reported,
                    inSync,
                    d.lastGoodDeploymentId);
        }
    }

    /**
     * One device of a deployment.
     *
     * @param wave its wave (null when incompatible)
     * @param variantId the variant chosen for it
     * @param variantTarget that variant's target profile
     * @param selection why that variant (or why none fits)
     * @param previousDeploymentId where a rollback returns it
     */
    public record Target(
            String deviceId,
            TargetState state,
            String message,
            Instant updatedAt,
            Integer wave,
            String variantId,
            String variantTarget,
            String selection,
            String previousDeploymentId,
            Instant assignedAt) {
        static Target of(DeploymentTargetEntity t) {
            return new Target(
                    t.deviceId,
                    t.state,
                    t.message,
                    t.updatedAt,
                    t.wave,
                    t.variantId,
                    t.variantTarget,
                    t.selection,
                    t.previousDeploymentId,
                    t.assignedAt);
        }
    }

    /** A deployment with its per-device progress. */
    public record Deployment(
            String id,
            String modelName,
            int modelVersion,
            String variantId,
            String artifactSha256,
            long sizeBytes,
            String format,
            String snapshotId,
            DeploymentStatus status,
            Instant createdAt,
            Instant finishedAt,
            String causationEventId,
            String correlationId,
            String deployedEventId,
            int devicesTargeted,
            int devicesActive,
            int devicesFailed,
            List<Target> targets) {
        static Deployment of(DeploymentEntity d, List<DeploymentTargetEntity> targets) {
            return new Deployment(
                    d.id,
                    d.modelName,
                    d.modelVersion,
                    d.variantId,
                    d.artifactSha256,
                    d.sizeBytes,
                    d.format,
                    d.snapshotId,
                    d.status,
                    d.createdAt,
                    d.finishedAt,
                    d.causeEventId,
                    d.correlationId,
                    d.deployedEventId,
                    targets.size(),
                    (int) targets.stream()
                            .filter(t -> t.state == TargetState.ACTIVE)
                            .count(),
                    (int) targets.stream()
                            .filter(t -> t.state == TargetState.FAILED)
                            .count(),
                    targets.stream().map(Target::of).toList());
        }
    }

    /** Effective settings of a rollout. */
    public record RolloutSettingsView(
            int canaryPercent,
            List<Integer> wavePercents,
            long soakTimeMs,
            double maxErrorRate,
            double maxLatencyP99Us,
            double maxPredictionShift,
            long minInferences,
            long activationTimeoutMs,
            long gateTimeoutMs) {
        static RolloutSettingsView of(RolloutSettings s) {
            return new RolloutSettingsView(
                    s.canaryPercent(),
                    s.wavePercents(),
                    s.soakTime().toMillis(),
                    s.maxErrorRate(),
                    s.maxLatencyP99Us(),
                    s.maxPredictionShift(),
                    s.minInferences(),
                    s.activationTimeout().toMillis(),
                    s.gateTimeout().toMillis());
        }
    }

    /** A health-gate result of a wave. */
    public record Gate(
            String outcome,
            List<String> reasons,
            int windows,
            long inferences,
            long errors,
            double errorRate,
            double latencyP99Us,
            Double predictionShift,
            Instant evaluatedAt,
            String deployedEventId) {
        static Gate of(RolloutGateEntity g) {
            return new Gate(
                    g.outcome,
                    g.reasons == null ? List.of() : List.of(g.reasons.split("\n")),
                    g.windows,
                    g.inferences,
                    g.errors,
                    g.errorRate,
                    g.latencyP99Us,
                    g.predictionShift,
                    g.evaluatedAt,
                    g.deployedEventId);
        }
    }

    /**
     * One wave of a rollout.
     *
     * @param state PENDING (not started), IN_PROGRESS, PAUSED, PASSED, FAILED or ABORTED (the rollout ended first)
     */
    public record Wave(int wave, String state, List<String> deviceIds, Gate gate) {}

    /** One entry of a rollout's history. */
    public record HistoryEntry(Instant at, String action, Integer wave, String detail) {}

    /** A variant the rollout may assign. */
    public record Variant(
            String variantId,
            String target,
            String format,
            String artifactSha256,
            long sizeBytes,
            boolean recommended,
            boolean signed) {}

    /** A staged rollout (same id as its deployment). */
    public record Rollout(
            String id,
            String modelName,
            int modelVersion,
            DeploymentStatus status,
            String statusReason,
            Map<String, String> selector,
            RolloutSettingsView settings,
            Integer currentWave,
            Integer wavesTotal,
            Instant createdAt,
            Instant finishedAt,
            String deployedEventId,
            int devicesTargeted,
            int devicesActive,
            List<Wave> waves,
            List<Variant> variants,
            List<Target> targets,
            List<HistoryEntry> history) {
        static Rollout of(
                DeploymentEntity d,
                List<DeploymentTargetEntity> targets,
                List<RolloutGateEntity> gates,
                List<DeploymentVariantEntity> variants,
                List<RolloutHistoryEntity> history) {
            int total = d.wavesTotal == null ? 1 : d.wavesTotal;
            int current = d.currentWave == null ? 1 : d.currentWave;
            List<Wave> waves = new ArrayList<>();
            for (int k = 1; k <= total; k++) {
                int wave = k;
                RolloutGateEntity gate = gates.stream()
                        .filter(g -> g.wave == wave)
                        .reduce((a, b) -> b)
                        .orElse(null);
                String state;
                if (gate != null) {
                    state = "PASS".equals(gate.outcome) ? "PASSED" : "FAILED";
                } else if (wave > current && d.isActive()) {
                    state = "PENDING";
                } else if (wave == current && d.status == DeploymentStatus.ROLLING_OUT) {
                    state = "IN_PROGRESS";
                } else if (wave == current && d.status == DeploymentStatus.PAUSED) {
                    state = "PAUSED";
                } else {
                    state = "ABORTED";
                }
                waves.add(new Wave(
                        wave,
                        state,
                        targets.stream()
                                .filter(t -> t.wave != null && t.wave == wave)
                                .map(t -> t.deviceId)
                                .toList(),
                        gate == null ? null : Gate.of(gate)));
            }
            return new Rollout(
                    d.id,
                    d.modelName,
                    d.modelVersion,
                    d.status,
                    d.statusReason,
                    new TreeMap<>(d.selector),
                    RolloutSettingsView.of(d.settings()),
                    d.currentWave,
                    d.wavesTotal,
                    d.createdAt,
                    d.finishedAt,
                    d.deployedEventId,
                    (int) targets.stream()
                            .filter(t -> t.state != TargetState.INCOMPATIBLE)
                            .count(),
                    (int) targets.stream()
                            .filter(t -> t.state == TargetState.ACTIVE)
                            .count(),
                    waves,
                    variants.stream()
                            .map(v -> new Variant(
                                    v.variantId,
                                    v.target,
                                    v.format,
                                    v.artifactSha256,
                                    v.sizeBytes,
                                    v.recommended,
                                    v.signature != null))
                            .toList(),
                    targets.stream().map(Target::of).toList(),
                    history.stream()
                            .map(h -> new HistoryEntry(h.at, h.action, h.wave, h.detail))
                            .toList());
        }
    }
}
