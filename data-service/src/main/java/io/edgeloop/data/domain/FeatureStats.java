package io.edgeloop.data.domain;

import java.util.Arrays;
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
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
    }
}
