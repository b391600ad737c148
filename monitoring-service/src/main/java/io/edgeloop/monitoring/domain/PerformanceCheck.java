package io.edgeloop.monitoring.domain;

import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;

/**
 * Whether a version's live accuracy has fallen: with at least {@code minLabelled} labelled inferences, a one-sided
 * exact binomial test (commons-math {@link BinomialTest}, alternative {@code LESS_THAN}) of the correct count against
 * the success probability {@code testAccuracy - margin}; the accuracy has fallen when the p-value is below
 * {@code alpha}. A bare threshold would flag small samples that are low by chance; the test needs the evidence.
 *
 * @param minLabelled labelled inferences needed before the test is made
 * @param margin how far below the test accuracy the live accuracy may be before it counts as fallen
 * @param alpha significance level of the test
 */
public record PerformanceCheck(int minLabelled, double margin, double alpha) {
    /**
     * The verdict.
     *
     * @param evaluated whether the test was made
     * @param drifted the accuracy is significantly below {@code baseline}
     * @param baseline {@code testAccuracy - margin}, NaN when the test accuracy is unknown
     * @param pValue p-value of the test, NaN when not evaluated
     * @param reason why it was not evaluated, or what the test found
     */
    public record Verdict(boolean evaluated, boolean drifted, double baseline, double pValue, String reason) {}

    /**
     * Judges {@code correct} of {@code labelled} against {@code testAccuracy} (NaN or null when unknown: not
     * evaluated).
     */
    public Verdict judge(long labelled, long correct, Double testAccuracy) {
        if (testAccuracy == null || !Double.isFinite(testAccuracy)) {
            return new Verdict(false, false, Double.NaN, Double.NaN, "the version's test accuracy is unknown");
        }
        double baseline = testAccuracy - margin;
        if (labelled < minLabelled) {
            return new Verdict(
                    false,
                    false,
                    baseline,
                    Double.NaN,
                    labelled + " labelled inferences, the test needs at least " + minLabelled);
        }
        if (baseline <= 0) {
            return new Verdict(false, false, baseline, Double.NaN, "test accuracy minus margin is not above 0");
        }
        double p = new BinomialTest()
                .binomialTest(
                        (int) Math.min(Integer.MAX_VALUE, labelled),
                        (int) Math.min(Integer.MAX_VALUE, correct),
                        Math.min(1.0, baseline),
                        AlternativeHypothesis.LESS_THAN);
        boolean drifted = p < alpha;
        String reason = String.format(
                java.util.Locale.ROOT,
                "accuracy %.4f (%d of %d) vs test accuracy %.4f - margin %.4f: binomial p = %.3g %s alpha %.3g",
                (double) correct / labelled,
                correct,
                labelled,
                testAccuracy,
                margin,
                p,
                drifted ? "<" : ">=",
                alpha);
        return new Verdict(true, drifted, baseline, p, reason);
    }
}
