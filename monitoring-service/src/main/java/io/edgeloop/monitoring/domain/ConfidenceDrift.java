package io.edgeloop.monitoring.domain;

import java.util.Optional;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Confidence drift, without ground truth: the mean confidence (largest class probability) of the deployed version's
 * newest inferences against its first ones after deployment, compared by Welch's two-sample t-test (commons-math
 * {@link TTest}, two-sided). The confidence counts as drifted when it fell (recent mean below the baseline mean) and
 * the p-value is below {@code alpha}. Reported with the drift report; it raises no event.
 *
 * @param baselineCount inferences in the baseline (the first after deployment)
 * @param recentCount inferences in the recent sample (the newest)
 * @param baselineMean mean confidence of the baseline
 * @param recentMean mean confidence of the recent sample
 * @param pValue p-value of Welch's t-test (1 when both samples are constant and equal)
 * @param alpha significance level
 * @param drifted the mean confidence fell significantly
 */
public record ConfidenceDrift(
        int baselineCount,
        int recentCount,
        double baselineMean,
        double recentMean,
        double pValue,
        double alpha,
        boolean drifted) {
    /**
     * Compares {@code recent} with {@code baseline}; empty when either holds fewer than 2 values.
     */
    public static Optional<ConfidenceDrift> evaluate(double[] baseline, double[] recent, double alpha) {
        if (baseline.length < 2 || recent.length < 2) {
            return Optional.empty();
        }
        double b = StatUtils.mean(baseline);
        double r = StatUtils.mean(recent);
        double p;
        if (StatUtils.variance(baseline) == 0 && StatUtils.variance(recent) == 0) {
            p = b == r ? 1.0 : 0.0; // two constants: no variance to test with, the means say it all
        } else {
            p = new TTest().tTest(baseline, recent);
        }
        return Optional.of(new ConfidenceDrift(baseline.length, recent.length, b, r, p, alpha, r < b && p < alpha));
    }
}
