package io.edgeloop.monitoring.domain;

import java.util.List;

/**
 * Outcome of comparing a model's observed inputs with its reference profile.
 *
 * @param sampleCount observed rows compared
 * @param driftScore largest per-feature KS statistic; -1 when not computed (no reference or too few rows)
 * @param driftDetected whether {@code driftScore > threshold} and that feature's p-value {@code < alpha}
 * @param features per-feature results (empty when not computed)
 */
public record DriftReport(int sampleCount, double driftScore, boolean driftDetected, List<FeatureResult> features) {
    /** Score reported when drift could not be computed. */
    public static final double NOT_COMPUTED = -1.0;

    public DriftReport {
        features = List.copyOf(features);
    }

    /** A report saying drift was not computed for {@code sampleCount} rows. */
    public static DriftReport notComputed(int sampleCount) {
        return new DriftReport(sampleCount, NOT_COMPUTED, false, List.of());
    }

    /** Whether the statistics were computed. */
    public boolean computed() {
        return driftScore >= 0;
    }

    /**
     * Drift of one feature.
     *
     * @param index feature index
     * @param ksStatistic two-sample Kolmogorov-Smirnov statistic D (0..1)
     * @param pValue two-sided p-value of D
     * @param psi population stability index over the reference's decile bins
     * @param referenceMean mean of the feature in the training data
     * @param observedMean mean of the observed rows
     */
    public record FeatureResult(
            int index, double ksStatistic, double pValue, double psi, double referenceMean, double observedMean) {}
}
