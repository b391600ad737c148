package io.edgeloop.monitoring.domain;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.datasketches.quantilescommon.FloatsSortedView;

/**
 * Statistics of categorical distributions, shared by categorical input features and the predicted classes ({@link
 * PredictionDrift}): counting category codes in raw values or in a quantile sketch, and comparing observed counts with
 * reference counts by the chi-square goodness-of-fit test (commons-math) and the Jensen-Shannon distance. Which of
 * the two decides is the caller's (Evidently: chi-square up to 1,000 rows, Jensen-Shannon above).
 */
public final class CategoryStatistics {
    /** Expected share given to a category the reference did not have: observing it is drift, not an error. */
    public static final double UNSEEN_SHARE = 1e-4;

    /** Largest category code (data-service accepts codes 0..65535 for a categorical feature). */
    public static final int MAX_CODE = 65_535;

    /** The category under which observed values that are no category code (not an integer 0..65535) are counted. */
    public static final int NOT_A_CODE = -1;

    private CategoryStatistics() {}

    /**
     * Observed categories against reference ones.
     *
     * @param referenceCount values of the reference
     * @param observedCount values observed
     * @param pValue chi-square goodness-of-fit p-value of the observed counts against the reference shares (1 when
     *     fewer than two categories occur on either side together)
     * @param jensenShannon Jensen-Shannon distance of the two share vectors (natural log)
     * @param psi population stability index over the categories (shares floored at {@link
     *     DriftEvaluator#PSI_EPSILON})
     * @param referenceShares share of each category in the reference (every category of either side)
     * @param observedShares share of each category observed
     */
    public record Comparison<K>(
            long referenceCount,
            long observedCount,
            double pValue,
            double jensenShannon,
            double psi,
            Map<K, Double> referenceShares,
            Map<K, Double> observedShares) {
        public Comparison {
            referenceShares = java.util.Collections.unmodifiableMap(new TreeMap<>(referenceShares));
            observedShares = java.util.Collections.unmodifiableMap(new TreeMap<>(observedShares));
        }
    }

    /**
     * Compares {@code observed} counts per category with {@code reference} counts per category over the union of their
     * categories; a category the reference lacks gets the expected share {@link #UNSEEN_SHARE}.
     *
     * @throws IllegalArgumentException when either side has no values
     */
    public static <K extends Comparable<K>> Comparison<K> compare(Map<K, Long> reference, Map<K, Long> observed) {
        long refTotal = reference.values().stream().mapToLong(Long::longValue).sum();
        long total = observed.values().stream().mapToLong(Long::longValue).sum();
        if (refTotal <= 0 || total <= 0) {
            throw new IllegalArgumentException("no values to compare: reference " + refTotal + ", observed " + total);
        }
        TreeSet<K> categories = new TreeSet<>(reference.keySet());
        categories.addAll(observed.keySet());
        int k = categories.size();
        double[] refShares = new double[k];
        double[] obsShares = new double[k];
        double[] expected = new double[k];
        long[] counts = new long[k];
        Map<K, Double> refView = new TreeMap<>();
        Map<K, Double> obsView = new TreeMap<>();
        int i = 0;
        for (K c : categories) {
            refShares[i] = (double) reference.getOrDefault(c, 0L) / refTotal;
            counts[i] = observed.getOrDefault(c, 0L);
            obsShares[i] = (double) counts[i] / total;
            expected[i] = Math.max(refShares[i], UNSEEN_SHARE) * total;
            refView.put(c, refShares[i]);
            obsView.put(c, obsShares[i]);
            i++;
        }
        double p = k < 2 ? 1.0 : new ChiSquareTest().chiSquareTest(expected, counts);
        return new Comparison<>(
                refTotal,
                total,
                p,
                FeatureStatistics.jensenShannon(refShares, obsShares),
                DriftEvaluator.psi(refShares, obsShares),
                refView,
                obsView);
    }

    /** The category of value {@code v}: its integer code, or {@link #NOT_A_CODE}. */
    public static int category(double v) {
        return v >= 0 && v <= MAX_CODE && v == Math.rint(v) ? (int) v : NOT_A_CODE;
    }

    /** Values per category of {@code values}. */
    public static Map<Integer, Long> counts(double[] values) {
        Map<Integer, Long> counts = new TreeMap<>();
        for (double v : values) {
            counts.merge(category(v), 1L, Long::sum);
        }
        return counts;
    }

    /**
     * Values per category of a quantile sketch: each retained item is a value the sketch saw and its weight the number
     * of values it stands for, so this is the sketch's PMF between {@code code - 0.5} and {@code code + 0.5} times its
     * n. Exact while the sketch has not compacted (up to its k values); above, each category's share is within the
     * sketch's rank error (twice its normalized rank error, since a share is the difference of two ranks).
     */
    public static Map<Integer, Long> counts(FloatsSortedView sketch) {
        float[] items = sketch.getQuantiles();
        long[] cumulative = sketch.getCumulativeWeights();
        Map<Integer, Long> counts = new TreeMap<>();
        long previous = 0;
        for (int i = 0; i < items.length; i++) {
            counts.merge(category(items[i]), cumulative[i] - previous, Long::sum);
            previous = cumulative[i];
        }
        return counts;
    }
}
