package io.edgeloop.deployment.api;

import io.edgeloop.deployment.domain.RolloutSettings;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
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
            long gateTimeoutMs,
            String onNoTelemetry) {
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
                    s.gateTimeout().toMillis(),
                    s.onNoTelemetry());
        }
    }

    /** A health-gate result of a wave. */
    public record Gate(
            String outcome,
            List<String> reasons,
            int windows,
            long inferences,
            long errors,
            long clientErrors,
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
                    g.clientErrors == null ? 0 : g.clientErrors,
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

    /**
     * One entry of a rollout's history.
     *
     * @param actor who did it: the authenticated subject for actions requested over REST, the service's name for
     *     what the rollout decided by itself
     */
    public record HistoryEntry(Instant at, String action, Integer wave, String detail, String actor) {}

    /** A variant the rollout may assign. */
    public record Variant(
            String variantId,
            String target,
            String format,
            String artifactSha256,
            long sizeBytes,
            boolean recommended,
            boolean signed) {}

    /**
     * A staged rollout (same id as its deployment). {@code drivenBy}/{@code drivenUntil}: the service instance that
     * steps it (with replicas, one at a time per rollout) and until when its lease runs, while the rollout is active.
     */
    public record Rollout(
            String id,
            String modelName,
            int modelVersion,
            DeploymentStatus status,
            String statusReason,
            String policyName,
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
            List<HistoryEntry> history,
            String drivenBy,
            Instant drivenUntil) {
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
                } else if (d.status == DeploymentStatus.HELD) {
                    state = "HELD";
                } else if (d.status == DeploymentStatus.REJECTED) {
                    state = "REJECTED";
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
                    d.policyName,
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
                            .map(h -> new HistoryEntry(h.at, h.action, h.wave, h.detail, h.actor))
                            .toList(),
                    d.isActive() ? d.driver : null,
                    d.isActive() ? d.driverUntil : null);
        }
    }
}
