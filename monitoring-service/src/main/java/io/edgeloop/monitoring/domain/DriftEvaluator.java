package io.edgeloop.monitoring.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * Compares observed inputs with a {@link ReferenceProfile}: per feature the two-sample Kolmogorov-Smirnov statistic
 * and p-value against the reference sample, and the PSI over the reference's decile bins. The drift score is the
 * largest KS statistic; drift is detected when it exceeds {@code threshold} and that feature's p-value is below
 * {@code alpha}. Nothing is computed below {@code minSamples} observed rows. Deterministic and thread-safe.
 */
public final class DriftEvaluator {
    /** Name of the method, carried in DriftDetected. */
    public static final String METHOD = "ks-2sample-max+psi-deciles";

    /** Floor for empty bins in PSI, so {@code ln(p/q)} stays finite. */
    public static final double PSI_EPSILON = 1e-4;

    /** Seed of the random source commons-math uses for Monte Carlo p-values of mid-sized samples. */
    private static final int KS_SEED = 20_240_601;

    private final double threshold;
    private final double alpha;
    private final int minSamples;

    public DriftEvaluator(double threshold, double alpha, int minSamples) {
        this.threshold = threshold;
        this.alpha = alpha;
        this.minSamples = minSamples;
    }

    public double threshold() {
        return threshold;
    }

    /**
     * Evaluates drift.
     *
     * @param reference the training reference
     * @param observed observed values per feature: {@code observed[feature][row]}, as many features as the reference
     */
    public DriftReport evaluate(ReferenceProfile reference, double[][] observed) {
        if (observed.length != reference.featureCount()) {
            throw new IllegalArgumentException(
                    "observed data has " + observed.length + " features, the reference " + reference.featureCount());
        }
        int n = observed.length == 0 ? 0 : observed[0].length;
        if (n < minSamples || n == 0) {
            return DriftReport.notComputed(n);
        }
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest(new Well19937c(KS_SEED));
        List<DriftReport.FeatureResult> results = new ArrayList<>(observed.length);
        double score = 0;
        double scoreP = 1;
        for (ReferenceProfile.FeatureProfile ref : reference.features()) {
            double[] values = observed[ref.index()];
            if (values.length != n) {
                throw new IllegalArgumentException(
                        "feature " + ref.index() + " has " + values.length + " rows, not " + n);
            }
            double d = ks.kolmogorovSmirnovStatistic(ref.sortedSample(), values);
            double p = ks.kolmogorovSmirnovTest(ref.sortedSample(), values);
            double psi = psi(ref.binEdges(), ref.binProportions(), values);
            results.add(new DriftReport.FeatureResult(ref.index(), d, p, psi, ref.mean(), mean(values)));
            if (d > score) {
                score = d;
                scoreP = p;
            }
        }
        boolean detected = score > threshold && scoreP < alpha;
        return new DriftReport(n, score, detected, results);
    }

    /**
     * Population stability index of {@code observed} against the reference bins: {@code sum (o - r) ln(o / r)} over
     * bins, shares floored at {@link #PSI_EPSILON}.
     */
    public static double psi(double[] edges, double[] referenceProportions, double[] observed) {
        double[] obs = proportions(edges, observed);
        double psi = 0;
        for (int i = 0; i < obs.length; i++) {
            double o = Math.max(obs[i], PSI_EPSILON);
            double r = Math.max(referenceProportions[i], PSI_EPSILON);
            psi += (o - r) * Math.log(o / r);
        }
        return psi;
    }

    /** Share of {@code values} in each of the {@code edges.length + 1} bins; bin i holds edges[i-1] < x <= edges[i]. */
    public static double[] proportions(double[] edges, double[] values) {
        double[] counts = new double[edges.length + 1];
        for (double v : values) {
            counts[bin(edges, v)]++;
        }
        if (values.length > 0) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] /= values.length;
            }
        }
        return counts;
    }

    /** Number of edges strictly below {@code v}. */
    static int bin(double[] edges, double v) {
        int i = Arrays.binarySearch(edges, v);
        return i >= 0 ? i : -i - 1;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
