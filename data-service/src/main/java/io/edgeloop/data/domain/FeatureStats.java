package io.edgeloop.data.domain;

import java.util.List;

/**
 * Robust per-feature statistics of a dataset's stored samples: median and median absolute deviation (MAD).
 *
 * @param median per-feature median
 * @param mad per-feature median of {@code |x - median|}
 * @param sampleCount samples they were computed from
 */
public record FeatureStats(double[] median, double[] mad, long sampleCount) {
    /** Statistics over {@code rows} (each of {@code featureCount} values). */
    public static FeatureStats of(List<float[]> rows, int featureCount) {
        int n = rows.size();
        double[] median = new double[featureCount];
        double[] mad = new double[featureCount];
        double[] column = new double[n];
        for (int j = 0; j < featureCount; j++) {
            for (int i = 0; i < n; i++) {
                column[i] = rows.get(i)[j];
            }
            median[j] = medianInPlace(column);
            for (int i = 0; i < n; i++) {
                column[i] = Math.abs(column[i] - median[j]);
            }
            mad[j] = medianInPlace(column);
        }
        return new FeatureStats(median, mad, n);
    }

    /**
     * How many MADs {@code value} lies from the median of feature {@code j}; {@code NaN} when the MAD is 0 (a
     * constant feature gives no scale to judge by, so no value counts as an outlier).
     */
    public double deviations(int j, double value) {
        if (mad[j] == 0) {
            return Double.NaN;
        }
        return Math.abs(value - median[j]) / mad[j];
    }

    private static double medianInPlace(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        // the middle order statistics by selection (linear time; a full sort per feature was the cost of a refresh)
        int mid = values.length / 2;
        double upper = select(values, mid);
        if (values.length % 2 == 1) {
            return upper;
        }
        double lower = values[0]; // select left the mid smallest values in [0, mid): the largest of them
        for (int i = 1; i < mid; i++) {
            lower = Math.max(lower, values[i]);
        }
        return (lower + upper) / 2.0;
    }

    /**
     * The {@code k}-th smallest of {@code a} (0-based), exact; reorders {@code a} so that {@code a[0..k)} holds the
     * {@code k} smallest values (Hoare partitioning around the median of three).
     */
    static double select(double[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            double pivot = medianOfThree(a[lo], a[lo + (hi - lo) / 2], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static double medianOfThree(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
