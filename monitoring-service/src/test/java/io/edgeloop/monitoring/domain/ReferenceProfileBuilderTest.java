package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.SensorSimulator;
import java.util.Arrays;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.junit.jupiter.api.Test;

class ReferenceProfileBuilderTest {
    private static ReferenceProfile profile(String snapshotId, long seed, int rows, int sampleSize) {
        SensorSimulator sim = new SensorSimulator(seed);
        ReferenceProfileBuilder b = new ReferenceProfileBuilder(snapshotId, SensorSimulator.featureCount(), sampleSize);
        for (int i = 0; i < rows; i++) {
            b.add(sim.next().features());
        }
        return b.build("vibration", 3);
    }

    @Test
    void statisticsCoverEveryRowAndTheSampleIsBounded() {
        ReferenceProfile p = profile("vibration@v3", 9, 3000, 500);
        assertEquals("vibration@v3", p.snapshotId());
        assertEquals(3000, p.trainCount());
        assertEquals(8, p.featureCount());
        assertEquals(500, p.sampleSize());
        SensorSimulator sim = new SensorSimulator(9);
        DescriptiveStatistics[] exact = new DescriptiveStatistics[8];
        Arrays.setAll(exact, i -> new DescriptiveStatistics());
        for (int i = 0; i < 3000; i++) {
            float[] f = sim.next().features();
            for (int c = 0; c < 8; c++) {
                exact[c].addValue(f[c]);
            }
        }
        for (ReferenceProfile.FeatureProfile f : p.features()) {
            DescriptiveStatistics e = exact[f.index()];
            assertEquals(e.getMean(), f.mean(), 1e-9);
            assertEquals(e.getStandardDeviation(), f.std(), 1e-9);
            assertEquals(e.getMin(), f.min());
            assertEquals(e.getMax(), f.max());
            double[] s = f.sortedSample();
            for (int i = 1; i < s.length; i++) {
                assertTrue(s[i - 1] <= s[i]);
            }
            assertTrue(s[0] >= f.min() && s[s.length - 1] <= f.max());
            assertEquals(f.binEdges().length + 1, f.binProportions().length);
            assertEquals(1.0, Arrays.stream(f.binProportions()).sum(), 1e-9);
            for (double share : f.binProportions()) {
                assertEquals(0.1, share, 0.02, "decile share of feature " + f.index());
            }
        }
    }

    @Test
    void sameSnapshotGivesTheSameProfile() {
        ReferenceProfile a = profile("vibration@v3", 9, 3000, 500);
        ReferenceProfile b = profile("vibration@v3", 9, 3000, 500);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(
                    a.features().get(i).sortedSample(), b.features().get(i).sortedSample());
            assertArrayEquals(
                    a.features().get(i).binEdges(), b.features().get(i).binEdges());
        }
    }

    @Test
    void smallSnapshotsKeepEveryRow() {
        ReferenceProfile p = profile("tiny@v1", 4, 30, 500);
        assertEquals(30, p.sampleSize());
        assertEquals(30, p.trainCount());
    }

    @Test
    void constantFeaturesCollapseToOneEdge() {
        ReferenceProfileBuilder b = new ReferenceProfileBuilder("c@v1", 1, 100);
        for (int i = 0; i < 50; i++) {
            b.add(new float[] {2f});
        }
        ReferenceProfile.FeatureProfile f = b.build("c", 1).features().get(0);
        assertArrayEquals(new double[] {2.0}, f.binEdges());
        assertArrayEquals(new double[] {1.0, 0.0}, f.binProportions());
        assertEquals(0.0, f.std());
    }

    @Test
    void rejectsBadRowsAndEmptySnapshots() {
        ReferenceProfileBuilder b = new ReferenceProfileBuilder("x@v1", 2, 10);
        assertThrows(IllegalArgumentException.class, () -> b.add(new float[] {1f}));
        assertThrows(IllegalArgumentException.class, () -> b.add(new float[] {1f, Float.NaN}));
        assertThrows(IllegalStateException.class, () -> b.build("x", 1));
    }
}
