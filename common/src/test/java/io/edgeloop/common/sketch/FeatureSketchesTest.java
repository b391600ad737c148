package io.edgeloop.common.sketch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.junit.jupiter.api.Test;

class FeatureSketchesTest {

    @Test
    void perDeviceSketchesMergedEqualASketchOfTheUnionWithinTheErrorBound() {
        Random random = new Random(7);
        List<KllFloatsSketch> devices = new ArrayList<>();
        List<Float> union = new ArrayList<>();
        for (int device = 0; device < 5; device++) {
            FeatureSketches sketches = new FeatureSketches(2, FeatureSketches.DEFAULT_K);
            for (int i = 0; i < 20_000; i++) {
                float v = (float) (random.nextGaussian() * (device + 1) + device);
                sketches.update(new float[] {v, 1f});
                union.add(v);
            }
            // through the wire form, as monitoring receives them
            devices.add(FeatureSketches.read(sketches.toBytes().get(0)));
        }
        KllFloatsSketch merged = FeatureSketches.merge(FeatureSketches.DEFAULT_K, devices);
        assertEquals(union.size(), merged.getN());

        float[] sorted = new float[union.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = union.get(i);
        }
        Arrays.sort(sorted);
        double bound = merged.getNormalizedRankError(false);
        assertTrue(bound < 0.02, "k=200 guarantees under 2%: " + bound);
        for (double q = 0.01; q < 1; q += 0.01) {
            float x = sorted[(int) (q * sorted.length)];
            double exact = upperRank(sorted, x);
            double approx = merged.getRank(x, QuantileSearchCriteria.INCLUSIVE);
            assertTrue(Math.abs(exact - approx) <= bound, "rank of " + x + ": " + approx + " vs exact " + exact);
        }
    }

    @Test
    void smallWindowsAreExactAndSkipNonFiniteValues() {
        FeatureSketches sketches = new FeatureSketches(1, FeatureSketches.DEFAULT_K);
        for (float v : new float[] {3, 1, Float.NaN, 2, Float.POSITIVE_INFINITY}) {
            sketches.update(new float[] {v});
        }
        KllFloatsSketch s = FeatureSketches.read(sketches.toBytes().get(0));
        assertEquals(3, s.getN());
        assertArrayEquals(new float[] {1, 2, 3}, s.getSortedView().getQuantiles());
    }

    @Test
    void refusesWhatIsNotASketchAndRowsOfAnotherWidth() {
        assertThrows(FeatureSketches.InvalidSketchException.class, () -> FeatureSketches.read(new byte[0]));
        var e = assertThrows(
                FeatureSketches.InvalidSketchException.class, () -> FeatureSketches.read(new byte[] {9, 9, 9, 9, 9}));
        assertTrue(e.getMessage().startsWith("is not a KLL float sketch"), e.getMessage());
        assertThrows(
                FeatureSketches.InvalidSketchException.class,
                () -> FeatureSketches.read(new byte[FeatureSketches.MAX_BYTES + 1]));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSketches(2, 4));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSketches(2, 200).update(new float[3]));
    }

    /** Share of values at or below x. */
    private static double upperRank(float[] sorted, float x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) lo / sorted.length;
    }
}
