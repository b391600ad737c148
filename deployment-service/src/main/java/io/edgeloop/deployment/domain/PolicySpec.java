package io.edgeloop.deployment.domain;

import java.util.List;
import java.util.Map;

/**
 * A deployment policy as set over REST ({@code PUT /policies/{name}}); null keys take the configuration defaults.
 *
 * @param selector labels a device must carry (empty or null = every device)
 * @param capabilities capabilities a device must have (null = any)
 * @param autoRollout whether new versions start rolling out on their own (null = true)
 */
public record PolicySpec(
        Map<String, String> selector,
        Capabilities capabilities,
        Boolean autoRollout,
        Rollout rollout,
        Promotion promotion) {
    /**
     * Capability selector, stored with the label selector as {@code capability.*} keys.
     *
     * @param architecture e.g. {@code arm64} (aarch64 and arm64 are the same)
     * @param accelerator one of the device's accelerators
     */
    public record Capabilities(String architecture, Integer minRamMb, Integer minStorageMb, String accelerator) {}

    /** Rollout plan and health-gate keys (see {@code edgeloop.deployment.rollout.*}). */
    public record Rollout(
            Integer canaryPercent,
            List<Integer> wavePercents,
            Long soakTimeMs,
            Double maxErrorRate,
            Double maxLatencyP99Us,
            Double maxPredictionShift,
            Long minInferences,
            Long activationTimeoutMs,
            Long gateTimeoutMs,
            String onNoTelemetry) {}

    /** Promotion gate keys. */
    public record Promotion(Double minAccuracy, Double maxAccuracyDrop) {}
}
