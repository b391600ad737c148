package io.edgeloop.monitoring.domain;

import java.util.Arrays;

/**
 * Distances between a feature's reference sample and observed values that no statistics library here provides in
 * this form: the first Wasserstein distance of two empirical distributions (normalized as Evidently does), the
 * Jensen-Shannon distance of binned shares, and Holm's step-down adjustment of p-values. The KS test itself comes
 * from commons-math ({@link DriftEvaluator}).
 */
public final class FeatureStatistics {
    /** Smallest reference standard deviation a Wasserstein distance is divided by (Evidently's floor). */
    public static final double MIN_NORMALIZER = 1e-3;

    private FeatureStatistics() {}

    /**
     * The first Wasserstein (earth mover's) distance between the empirical distributions of {@code sortedReference}
     * and {@code observed}: the area between their CDFs.
     *
     * @param sortedReference ascending reference values, not empty
     * @param observed observed values in any order, not empty
     */
    public static double wasserstein(double[] sortedReference, double[] observed) {
        double[] obs = observed.clone();
        Arrays.sort(obs);
        int n = sortedReference.length;
        int m = obs.length;
        int i = 0;
        int j = 0;
        double area = 0;
        double previous = Math.min(sortedReference[0], obs[0]);
        while (i < n || j < m) {
            double next = j >= m || (i < n && sortedReference[i] <= obs[j]) ? sortedReference[i] : obs[j];
            area += Math.abs((double) i / n - (double) j / m) * (next - previous);
            while (i < n && sortedReference[i] == next) {
                i++;
            }
            while (j < m && obs[j] == next) {
                j++;
            }
            previous = next;
        }
        return area;
    }

    /** {@link #wasserstein} divided by the reference's standard deviation (at least {@link #MIN_NORMALIZER}). */
    public static double normalizedWasserstein(double[] sortedReference, double[] observed, double referenceStd) {
        return wasserstein(sortedReference, observed) / Math.max(referenceStd, MIN_NORMALIZER);
    }

    /**
     * The Jensen-Shannon distance (square root of the divergence, natural logarithm, as SciPy's default) between two
     * distributions over the same bins; shares are renormalized, empty bins contribute nothing.
     */
    public static double jensenShannon(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("bins differ: " + p.length + " and " + q.length);
        }
        double sp = Arrays.stream(p).sum();
        double sq = Arrays.stream(q).sum();
        if (sp <= 0 || sq <= 0) {
            return Double.NaN;
        }
        double divergence = 0;
        for (int k = 0; k < p.length; k++) {
            double a = p[k] / sp;
            double b = q[k] / sq;
            double mid = (a + b) / 2;
            if (a > 0) {
                divergence += 0.5 * a * Math.log(a / mid);
            }
            if (b > 0) {
                divergence += 0.5 * b * Math.log(b / mid);
            }
        }
        return Math.sqrt(Math.max(divergence, 0));
    }

    /**
     * Holm's step-down adjustment: adjusted p-values that control the family-wise error rate across all of them,
     * in the order given (each at most 1, monotone in the raw p-values).
     */
    public static double[] holm(double[] pValues) {
        int k = pValues.length;
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(pValues[a], pValues[b]));
        double[] adjusted = new double[k];
        double running = 0;
        for (int rank = 0; rank < k; rank++) {
            int idx = order[rank];
            running = Math.max(running, Math.min(1, (k - rank) * pValues[idx]));
            adjusted[idx] = running;
        }
        return adjusted;
    }
}
