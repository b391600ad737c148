package io.edgeloop.data.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureStatsTest {
    @Test
    void medianAndMadPerFeature() {
        List<float[]> rows = List.of(
                new float[] {1, 5}, new float[] {2, 5}, new float[] {3, 5}, new float[] {4, 5}, new float[] {100, 5});
        FeatureStats stats = FeatureStats.of(rows, 2);
        assertEquals(3.0, stats.median()[0]);
        assertEquals(1.0, stats.mad()[0]); // |x-3| = 2,1,0,1,97
        assertEquals(97.0, stats.deviations(0, 100));
        assertEquals(5.0, stats.median()[1]);
        assertTrue(Double.isNaN(stats.deviations(1, 1e6)), "a constant feature has no scale");
    }

    @Test
    void evenCountsAverageTheMiddlePair() {
        FeatureStats stats =
                FeatureStats.of(List.of(new float[] {1}, new float[] {2}, new float[] {4}, new float[] {10}), 1);
        assertEquals(3.0, stats.median()[0]);
        assertEquals(1.5, stats.mad()[0]); // |x-3| sorted = 1,1,2,7
    }

    @Test
    void medianAndMadBySelectionEqualThoseOfASortedCopy() {
        java.util.Random r = new java.util.Random(7);
        for (int n : new int[] {1, 2, 3, 4, 5, 10, 11, 100, 1001, 2000}) {
            List<float[]> rows = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                // ties and repeated values included
                rows.add(new float[] {(float) r.nextGaussian(), r.nextInt(4), i % 2 == 0 ? 1f : -1f});
            }
            FeatureStats stats = FeatureStats.of(rows, 3);
            for (int j = 0; j < 3; j++) {
                double[] col = new double[n];
                for (int i = 0; i < n; i++) {
                    col[i] = rows.get(i)[j];
                }
                double median = sortedMedian(col.clone());
                double[] dev = new double[n];
                for (int i = 0; i < n; i++) {
                    dev[i] = Math.abs(col[i] - median);
                }
                assertEquals(median, stats.median()[j], "median, n=" + n + ", feature " + j);
                assertEquals(sortedMedian(dev), stats.mad()[j], "MAD, n=" + n + ", feature " + j);
            }
        }
    }

    private static double sortedMedian(double[] v) {
        java.util.Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
    }
}
