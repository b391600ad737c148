package io.edgeloop.monitoring.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * Compares observed inputs with a {@link ReferenceProfile} under a {@link DriftPolicy}. Per feature it computes the
 * two-sample Kolmogorov-Smirnov statistic and p-value against the reference sample (commons-math), the PSI and the
 * Jensen-Shannon distance over the reference's decile bins, and the Wasserstein distance normalized by the reference's
 * standard deviation ({@link FeatureStatistics}); the policy's method says which of them decide, per feature and for
 * the model. Nothing is computed below {@code minSamples} observed rows. Deterministic and thread-safe.
 */
public final class DriftEvaluator {
    /** Name of the original method ({@link DriftPolicy.Method#KS_MAX}), carried in DriftDetected. */
    public static final String METHOD = DriftPolicy.Method.KS_MAX.eventName();

    /** Floor for empty bins in PSI, so {@code ln(p/q)} stays finite. */
    public static final double PSI_EPSILON = 1e-4;

    /** Seed of the random source commons-math uses for Monte Carlo p-values of mid-sized samples. */
    private static final int KS_SEED = 20_240_601;

    private final DriftPolicy policy;

    /** The {@link DriftPolicy.Method#KS_MAX} rule. */
    public DriftEvaluator(double threshold, double alpha, int minSamples) {
        this(DriftPolicy.ksMax(threshold, alpha, minSamples));
    }

    public DriftEvaluator(DriftPolicy policy) {
        this.policy = policy;
    }

    public double threshold() {
        return policy.scoreThreshold();
    }

    public DriftPolicy policy() {
        return policy;
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
        if (n < policy.minSamples() || n == 0) {
            return DriftReport.notComputed(
                    n, n + " observed rows, drift needs at least " + Math.max(policy.minSamples(), 1));
        }
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest(new Well19937c(KS_SEED));
        int k = reference.featureCount();
        double[] d = new double[k];
        double[] p = new double[k];
        for (ReferenceProfile.FeatureProfile ref : reference.features()) {
            double[] values = observed[ref.index()];
            if (values.length != n) {
                throw new IllegalArgumentException(
                        "feature " + ref.index() + " has " + values.length + " rows, not " + n);
            }
            d[ref.index()] = ks.kolmogorovSmirnovStatistic(ref.sortedSample(), values);
            p[ref.index()] = ks.kolmogorovSmirnovTest(ref.sortedSample(), values);
        }
        boolean shareRule = policy.method() == DriftPolicy.Method.FEATURE_SHARE;
        double[] adjusted = shareRule ? FeatureStatistics.holm(p) : p;
        boolean byKs = !shareRule || n <= policy.ksMaxRows();
        List<DriftReport.FeatureResult> results = new ArrayList<>(k);
        double maxD = 0;
        int drifted = 0;
        for (ReferenceProfile.FeatureProfile ref : reference.features()) {
            int i = ref.index();
            DriftReport.FeatureResult r = result(ref, observed[i], d[i], p[i], adjusted[i], shareRule, byKs);
            drifted += r.drifted() ? 1 : 0;
            maxD = Math.max(maxD, d[i]);
            results.add(r);
        }
        double share = k == 0 ? 0 : (double) drifted / k;
        double score = shareRule ? share : maxD;
        boolean detected = shareRule ? k > 0 && share >= policy.driftShare() : drifted > 0;
        return new DriftReport(
                n, score, detected, results, policy.method().eventName(), policy.scoreThreshold(), share, null, null);
    }

    /** One feature's figures and verdict under the policy. */
    private DriftReport.FeatureResult result(
            ReferenceProfile.FeatureProfile ref,
            double[] values,
            double d,
            double p,
            double adjustedP,
            boolean shareRule,
            boolean byKs) {
        double[] shares = proportions(ref.binEdges(), values);
        double w = FeatureStatistics.normalizedWasserstein(ref.sortedSample(), values, ref.std());
        double featureThreshold;
        boolean drifted;
        if (!shareRule) {
            featureThreshold = policy.alpha();
            drifted = d > policy.threshold() && p < policy.alpha();
        } else if (byKs) {
            featureThreshold = policy.featurePValue();
            drifted = adjustedP < policy.featurePValue();
        } else {
            featureThreshold = policy.distanceThreshold();
            drifted = w > policy.distanceThreshold();
        }
        return new DriftReport.FeatureResult(
                ref.index(),
                d,
                p,
                psi(ref.binProportions(), shares),
                ref.mean(),
                mean(values),
                w,
                FeatureStatistics.jensenShannon(ref.binProportions(), shares),
                byKs ? "ks" : "wasserstein",
                byKs ? adjustedP : w,
                featureThreshold,
                drifted);
    }

    /**
     * Population stability index of {@code observed} against the reference bins: {@code sum (o - r) ln(o / r)} over
     * bins, shares floored at {@link #PSI_EPSILON}.
     */
    public static double psi(double[] edges, double[] referenceProportions, double[] observed) {
        return psi(referenceProportions, proportions(edges, observed));
    }

    private static double psi(double[] referenceProportions, double[] obs) {
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
