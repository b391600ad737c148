package io.edgeloop.deployment.domain;

import java.time.Instant;

/**
 * The effective deployment policy of a model: which devices, whether new versions start on their own, the rollout
 * plan and gates, and the promotion gate.
 *
 * @param name the policy's name: the model name, or a prefix pattern ending in {@code *}
 * @param source {@code rest} ({@code /policies}) or {@code config} ({@code edgeloop.deployment.rollout.models.*})
 * @param settings rollout settings with the defaults filled in (the selector included)
 * @param updatedAt when it was last set (null for config policies)
 * @param updatedBy the authenticated subject that last set it (null for config policies)
 */
public record Policy(
        String name,
        String source,
        boolean autoRollout,
        RolloutSettings settings,
        Promotion promotion,
        Instant updatedAt,
        String updatedBy) {
    /**
     * The promotion gate (champion/challenger) of a policy.
     *
     * @param minAccuracy lowest candidate accuracy (0 = none)
     * @param maxAccuracyDrop largest drop below the production version's accuracy on the same samples
     */
    public record Promotion(double minAccuracy, double maxAccuracyDrop) {}

    /** Whether the policy is a prefix pattern. */
    public boolean isPattern() {
        return name.endsWith("*");
    }
}
