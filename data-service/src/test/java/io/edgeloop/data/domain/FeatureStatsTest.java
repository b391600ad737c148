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
}
