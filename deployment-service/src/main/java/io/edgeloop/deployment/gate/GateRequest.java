package io.edgeloop.deployment.gate;

import java.time.Instant;
import java.util.List;

/**
 * What a gate evaluates: the devices of one wave that run {@code modelName} v{@code modelVersion} since
 * {@code since}, and the thresholds of the rollout.
 *
 * @param since when the wave started; telemetry windows ending before it are ignored
 */
public record GateRequest(
        String rolloutId,
        String modelName,
        int modelVersion,
        int wave,
        List<GateDevice> devices,
        Instant since,
        Thresholds thresholds) {
    public GateRequest {
        devices = List.copyOf(devices);
    }

    /**
     * One device of the wave.
     *
     * @param previousVersion the model version it ran before (its baseline for the prediction shift), 0 = none
     */
    public record GateDevice(String deviceId, int previousVersion) {}

    /** Gate thresholds of the rollout (see {@code edgeloop.deployment.rollout.*}). */
    public record Thresholds(
            double maxErrorRate,
            double maxLatencyP99Us,
            double maxPredictionShift,
            long minInferences,
            boolean passWithoutTelemetry) {}
}
