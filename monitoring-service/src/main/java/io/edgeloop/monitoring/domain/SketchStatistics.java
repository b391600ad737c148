package io.edgeloop.monitoring.domain;

import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.datasketches.quantilescommon.FloatsSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The drift figures of {@link DriftEvaluator} when the observed side is a merged KLL sketch ({@link
 * io.edgeloop.common.sketch.FeatureSketches}) instead of raw values: the two-sample KS statistic and the first
 * Wasserstein distance between the reference sample's empirical CDF and the sketch's (exact for the sketch's
 * approximation, whose ranks are off by at most its normalized rank error), the KS p-value from commons-math's
 * distribution of the statistic for the two sample sizes, bin shares, mean and standard deviation of the sketched
 * values (weighted retained items).
 */
public final class SketchStatistics {
    private SketchStatistics() {}

    /**
     * The sup distance (KS statistic) and the area between the two CDFs (first Wasserstein distance).
     *
     * @param ks the Kolmogorov-Smirnov statistic
     * @param wasserstein the first Wasserstein distance, not normalized
     */
    public record Comparison(double ks, double wasserstein) {}

    /**
     * Compares an ascending reference sample with a sketch's sorted view, in one merge-like sweep over both.
     *
     * @param sortedReference ascending values, not empty
     * @param observed a non-empty sketch's sorted view
     */
    public static Comparison compare(double[] sortedReference, FloatsSortedView observed) {
        float[] items = observed.getQuantiles();
        long[] cumulative = observed.getCumulativeWeights();
        double total = observed.getN();
        int n = sortedReference.length;
        int i = 0;
        int j = 0;
        double previous = Math.min(sortedReference[0], items[0]);
        double area = 0;
        double sup = 0;
        while (i < n || j < items.length) {
            double next =
                    j >= items.length || (i < n && sortedReference[i] <= items[j]) ? sortedReference[i] : items[j];
            area += Math.abs((double) i / n - share(cumulative, j, total)) * (next - previous);
            while (i < n && sortedReference[i] == next) {
                i++;
            }
            while (j < items.length && items[j] == next) {
                j++;
            }
            sup = Math.max(sup, Math.abs((double) i / n - share(cumulative, j, total)));
            previous = next;
        }
        return new Comparison(sup, area);
    }

    /** Share of the sketched values among the first {@code items} retained items (their cumulative weight). */
    private static double share(long[] cumulative, int items, double total) {
        return items == 0 ? 0 : cumulative[items - 1] / total;
    }

    /**
     * The two-sample KS p-value of statistic {@code d} for samples of {@code n} and {@code m} values (commons-math:
     * the exact distribution for small samples, the asymptotic one from a product of 10,000 on, as its two-sample
     * test does).
     */
    public static double pValue(KolmogorovSmirnovTest ks, double d, int n, long m) {
        int mm = (int) Math.min(Integer.MAX_VALUE, m);
        return (long) n * mm < 10_000 ? ks.exactP(d, n, mm, true) : ks.approximateP(d, n, mm);
    }

    /** Share of the sketched values in each of the {@code edges.length + 1} bins ({@code edges[i-1] < x <= edges[i]}). */
    public static double[] proportions(double[] edges, FloatsSortedView observed) {
        double[] shares = new double[edges.length + 1];
        double below = 0;
        for (int k = 0; k < edges.length; k++) {
            double rank = edges[k] < observed.getMinItem()
                    ? 0
                    : observed.getRank((float) edges[k], QuantileSearchCriteria.INCLUSIVE);
            shares[k] = Math.max(0, rank - below);
            below = Math.max(below, rank);
        }
        shares[edges.length] = Math.max(0, 1 - below);
        return shares;
    }

    /** Mean of the sketched values (retained items weighted by how many values each stands for). */
    public static double mean(FloatsSortedView observed) {
        float[] items = observed.getQuantiles();
        long[] cumulative = observed.getCumulativeWeights();
        double sum = 0;
        long previous = 0;
        for (int k = 0; k < items.length; k++) {
            sum += (double) items[k] * (cumulative[k] - previous);
            previous = cumulative[k];
        }
        return sum / observed.getN();
    }

    /** Standard deviation (sample, n - 1) of the sketched values, from the weighted retained items. */
    public static double std(FloatsSortedView observed) {
        double mean = mean(observed);
        float[] items = observed.getQuantiles();
        long[] cumulative = observed.getCumulativeWeights();
        double squares = 0;
        long previous = 0;
        for (int k = 0; k < items.length; k++) {
            double delta = items[k] - mean;
            squares += delta * delta * (cumulative[k] - previous);
            previous = cumulative[k];
        }
        long n = observed.getN();
        return n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
    }
}
