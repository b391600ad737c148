package io.edgeloop.monitoring.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.FloatsSortedView;

/**
 * Compares observed inputs with a {@link ReferenceProfile} under a {@link DriftPolicy}. Per feature it computes the
 * two-sample Kolmogorov-Smirnov statistic and p-value against the reference sample (commons-math), the PSI and the
 * Jensen-Shannon distance over the reference's decile bins, and the Wasserstein distance normalized by the reference's
 * standard deviation ({@link FeatureStatistics}); the policy's method says which of them decide, per feature and for
 * the model. A categorical feature (its reference keeps rows per category) is compared by the chi-square test and the
 * Jensen-Shannon distance of its category shares instead ({@link CategoryStatistics}). The observed side is either
 * raw rows or per-feature KLL sketches ({@link SketchStatistics}). Nothing is
 * computed below {@code minSamples} observed rows. Deterministic for raw rows and thread-safe.
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
        Observed[] figures = new Observed[reference.featureCount()];
        for (ReferenceProfile.FeatureProfile ref : reference.features()) {
            double[] values = observed[ref.index()];
            if (values.length != n) {
                throw new IllegalArgumentException(
                        "feature " + ref.index() + " has " + values.length + " rows, not " + n);
            }
            figures[ref.index()] = ref.categorical()
                    ? Observed.categorical(ref, CategoryStatistics.counts(values), mean(values))
                    : new Observed(
                            ks.kolmogorovSmirnovStatistic(ref.sortedSample(), values),
                            ks.kolmogorovSmirnovTest(ref.sortedSample(), values),
                            proportions(ref.binEdges(), values),
                            FeatureStatistics.normalizedWasserstein(ref.sortedSample(), values, ref.std()),
                            mean(values),
                            null);
        }
        return decide(reference, figures, n);
    }

    /**
     * Evaluates drift from per-feature quantile sketches of the observed inputs (merged across windows and devices)
     * instead of raw rows: the same figures, with the sketch's CDF in place of the sample's ({@link
     * SketchStatistics}).
     *
     * @param reference the training reference
     * @param observed one sketch per feature, as many as the reference has features
     */
    public DriftReport evaluate(ReferenceProfile reference, KllFloatsSketch[] observed) {
        if (observed.length != reference.featureCount()) {
            throw new IllegalArgumentException(
                    "observed data has " + observed.length + " features, the reference " + reference.featureCount());
        }
        long n = Arrays.stream(observed).mapToLong(KllFloatsSketch::getN).min().orElse(0);
        if (n < policy.minSamples() || n == 0) {
            return DriftReport.notComputed(
                    (int) n, n + " observed rows, drift needs at least " + Math.max(policy.minSamples(), 1));
        }
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest(new Well19937c(KS_SEED));
        Observed[] figures = new Observed[reference.featureCount()];
        for (ReferenceProfile.FeatureProfile ref : reference.features()) {
            FloatsSortedView view = observed[ref.index()].getSortedView();
            if (ref.categorical()) {
                figures[ref.index()] =
                        Observed.categorical(ref, CategoryStatistics.counts(view), SketchStatistics.mean(view));
                continue;
            }
            SketchStatistics.Comparison c = SketchStatistics.compare(ref.sortedSample(), view);
            figures[ref.index()] = new Observed(
                    c.ks(),
                    SketchStatistics.pValue(ks, c.ks(), ref.sortedSample().length, view.getN()),
                    SketchStatistics.proportions(ref.binEdges(), view),
                    c.wasserstein() / Math.max(ref.std(), FeatureStatistics.MIN_NORMALIZER),
                    SketchStatistics.mean(view),
                    null);
        }
        return decide(reference, figures, (int) Math.min(Integer.MAX_VALUE, n));
    }

    /**
     * One feature's observed figures against its reference: for a numerical feature KS statistic and p-value, decile
     * shares, normalized Wasserstein distance; for a categorical one ({@code categories} set) the chi-square p-value
     * and the comparison of its categories.
     */
    private record Observed(
            double ks,
            double p,
            double[] shares,
            double wasserstein,
            double mean,
            CategoryStatistics.Comparison<Integer> categories) {
        static Observed categorical(ReferenceProfile.FeatureProfile ref, Map<Integer, Long> counts, double mean) {
            CategoryStatistics.Comparison<Integer> c = CategoryStatistics.compare(ref.categoryCounts(), counts);
            return new Observed(Double.NaN, c.pValue(), null, Double.NaN, mean, c);
        }
    }

    /** The verdict of the policy over every feature's figures. */
    private DriftReport decide(ReferenceProfile reference, Observed[] figures, int n) {
        int k = reference.featureCount();
        double[] p = new double[k];
        for (int i = 0; i < k; i++) {
            p[i] = figures[i].p();
        }
        boolean shareRule = policy.method() == DriftPolicy.Method.FEATURE_SHARE;
        double[] adjusted = shareRule ? FeatureStatistics.holm(p) : p;
        boolean byKs = !shareRule || n <= policy.ksMaxRows();
        boolean byChiSquare = n <= policy.ksMaxRows();
        List<DriftReport.FeatureResult> results = new ArrayList<>(k);
        double maxD = 0;
        int drifted = 0;
        for (ReferenceProfile.FeatureProfile ref : reference.features()) {
            int i = ref.index();
            DriftReport.FeatureResult r = figures[i].categories() != null
                    ? categorical(ref, figures[i], adjusted[i], byChiSquare)
                    : result(ref, figures[i], adjusted[i], shareRule, byKs);
            // ks-max is a rule over KS statistics: a categorical feature is reported there, it does not decide
            drifted += r.drifted() && (shareRule || !r.categorical()) ? 1 : 0;
            if (!r.categorical()) {
                maxD = Math.max(maxD, figures[i].ks());
            }
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
            ReferenceProfile.FeatureProfile ref, Observed o, double adjustedP, boolean shareRule, boolean byKs) {
        double featureThreshold;
        boolean drifted;
        if (!shareRule) {
            featureThreshold = policy.alpha();
            drifted = o.ks() > policy.threshold() && o.p() < policy.alpha();
        } else if (byKs) {
            featureThreshold = policy.featurePValue();
            drifted = adjustedP < policy.featurePValue();
        } else {
            featureThreshold = policy.distanceThreshold();
            drifted = o.wasserstein() > policy.distanceThreshold();
        }
        return new DriftReport.FeatureResult(
                ref.index(),
                o.ks(),
                o.p(),
                psi(ref.binProportions(), o.shares()),
                ref.mean(),
                o.mean(),
                o.wasserstein(),
                FeatureStatistics.jensenShannon(ref.binProportions(), o.shares()),
                byKs ? "ks" : "wasserstein",
                byKs ? adjustedP : o.wasserstein(),
                featureThreshold,
                drifted);
    }

    /**
     * A categorical feature's verdict: up to {@code ksMaxRows} observed rows (under either rule: Evidently's choice)
     * the chi-square test, drifted when its p-value (Holm-adjusted with the other features' under {@code
     * feature-share}) is below {@code featurePValue}; above, the Jensen-Shannon distance of the category shares,
     * drifted above {@code distanceThreshold}.
     */
    private DriftReport.FeatureResult categorical(
            ReferenceProfile.FeatureProfile ref, Observed o, double adjustedP, boolean byChiSquare) {
        CategoryStatistics.Comparison<Integer> c = o.categories();
        double statistic = byChiSquare ? adjustedP : c.jensenShannon();
        double threshold = byChiSquare ? policy.featurePValue() : policy.distanceThreshold();
        return new DriftReport.FeatureResult(
                ref.index(),
                Double.NaN,
                o.p(),
                c.psi(),
                ref.mean(),
                o.mean(),
                Double.NaN,
                c.jensenShannon(),
                byChiSquare ? "chi-square" : "jensen-shannon",
                statistic,
                threshold,
                byChiSquare ? statistic < threshold : statistic > threshold,
                DriftReport.CATEGORICAL,
                new DriftReport.Categories(
                        c.referenceCount(), c.observedCount(), c.referenceShares(), c.observedShares()));
    }

    /**
     * Population stability index of {@code observed} against the reference bins: {@code sum (o - r) ln(o / r)} over
     * bins, shares floored at {@link #PSI_EPSILON}.
     */
    public static double psi(double[] edges, double[] referenceProportions, double[] observed) {
        return psi(referenceProportions, proportions(edges, observed));
    }

    static double psi(double[] referenceProportions, double[] obs) {
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
