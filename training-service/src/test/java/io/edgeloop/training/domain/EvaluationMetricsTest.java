package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationMetricsTest {
    @Test
    void accuracyMacroF1AndLossFromAConfusion() {
        // truth:     0 0 1 1 2
        // predicted: 0 1 1 1 0
        float[][] p = {
            {0.8f, 0.1f, 0.1f}, {0.3f, 0.6f, 0.1f}, {0.2f, 0.7f, 0.1f}, {0.1f, 0.5f, 0.4f}, {0.5f, 0.2f, 0.3f}
        };
        EvaluationMetrics m = EvaluationMetrics.of(p, new int[] {0, 0, 1, 1, 2}, 3);
        assertEquals(0.6, m.accuracy(), 1e-12);
        // class 0: P=1/2 R=1/2 F1=0.5; class 1: P=2/3 R=1 F1=0.8; class 2: F1=0
        assertEquals((0.5 + 0.8 + 0) / 3, m.macroF1(), 1e-9);
        double loss = -(Math.log(0.8f) + Math.log(0.3f) + Math.log(0.7f) + Math.log(0.5f) + Math.log(0.3f)) / 5;
        assertEquals(loss, m.loss(), 1e-9);
        assertEquals(5, m.sampleCount());
    }

    @Test
    void perClassFiguresAndConfusionMatrix() {
        // truth:     0 0 1 1 2 2 2
        // predicted: 0 1 1 1 0 2 2
        float[][] p = {
            {0.8f, 0.1f, 0.1f},
            {0.3f, 0.6f, 0.1f},
            {0.2f, 0.7f, 0.1f},
            {0.1f, 0.5f, 0.4f},
            {0.5f, 0.2f, 0.3f},
            {0.1f, 0.1f, 0.8f},
            {0.2f, 0.2f, 0.6f}
        };
        EvaluationMetrics m = EvaluationMetrics.of(p, new int[] {0, 0, 1, 1, 2, 2, 2}, 3);
        assertArrayEquals(new long[] {1, 1, 0}, m.confusion()[0]);
        assertArrayEquals(new long[] {0, 2, 0}, m.confusion()[1]);
        assertArrayEquals(new long[] {1, 0, 2}, m.confusion()[2]);
        assertArrayEquals(new long[] {1, 1, 0, 0, 2, 0, 1, 0, 2}, m.confusionRowMajor());
        // class 0: predicted twice (1 right), 2 true -> P 1/2, R 1/2
        assertEquals(0.5, m.perClass().get(0).precision(), 1e-12);
        assertEquals(0.5, m.perClass().get(0).recall(), 1e-12);
        assertEquals(2, m.perClass().get(0).support());
        // class 1: predicted 3 times (2 right), 2 true -> P 2/3, R 1, F1 0.8
        assertEquals(2.0 / 3, m.perClass().get(1).precision(), 1e-12);
        assertEquals(1.0, m.perClass().get(1).recall(), 1e-12);
        assertEquals(0.8, m.perClass().get(1).f1(), 1e-12);
        // class 2: predicted twice (2 right), 3 true -> P 1, R 2/3, F1 0.8
        assertEquals(1.0, m.perClass().get(2).precision(), 1e-12);
        assertEquals(2.0 / 3, m.perClass().get(2).recall(), 1e-12);
        assertEquals(3, m.perClass().get(2).support());
        assertEquals((0.5 + 0.8 + 0.8) / 3, m.macroF1(), 1e-12);
        assertEquals(5.0 / 7, m.accuracy(), 1e-12);
    }

    @Test
    void perChannelStandardizerAndDeviceEstimates() {
        // two channels of two steps each: channel 0 = {1, 3, 1, 3}, channel 1 = {10, 10, 10, 10}
        Standardizer s = Standardizer.fitPerChannel(new float[][] {{1f, 3f, 10f, 10f}, {3f, 1f, 10f, 10f}}, 2);
        assertArrayEquals(new float[] {2f, 10f}, s.mean());
        assertEquals(1f, s.std()[0], 1e-7);
        assertArrayEquals(new float[] {-1f, 1f, 0f, 0f}, s.apply(new float[][] {{1f, 3f, 10f, 10f}})[0]);

        Footprint f = new Footprint(10_000, 40_000, 2_000_000, 8_000);
        DeviceProfile.Estimate mcu = DeviceProfile.parse("mcu").estimate(f, 41_000);
        assertEquals(8_000, mcu.ramBytes()); // weights stay in flash
        assertEquals(41_000, mcu.flashBytes());
        assertEquals(40_000, mcu.latencyMicros(), 1e-6); // 2 M MACs at 50 M MAC/s
        assertTrue(mcu.fits(), mcu.reason());
        DeviceProfile.Estimate int8 = DeviceProfile.parse("mcu-int8").estimate(f, 41_000);
        assertEquals(2_000, int8.ramBytes());
        assertEquals(41_000 - 40_000 + 10_000, int8.flashBytes());
        DeviceProfile.Estimate tooBig =
                DeviceProfile.parse("mcu").estimate(new Footprint(100_000, 400_000, 9_000_000, 80_000), 401_000);
        assertFalse(tooBig.fits());
        assertTrue(tooBig.reason().contains("RAM") && tooBig.reason().contains("flash"), tooBig.reason());
        assertTrue(DeviceProfile.parse("cpu")
                .estimate(new Footprint(1L << 30, 1L << 32, 1L << 40, 1L << 30), 1L << 32)
                .fits());
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> DeviceProfile.parse("toaster"));
    }

    @Test
    void standardizerUsesTrainStatistics() {
        Standardizer s = Standardizer.fit(new float[][] {{1f, 5f}, {3f, 5f}});
        assertArrayEquals(new float[] {2f, 5f}, s.mean());
        assertEquals(1f, s.std()[0], 1e-7);
        assertEquals(1f, s.std()[1]); // a constant feature gets scale 1, as scikit-learn does
        assertArrayEquals(new float[] {1f, 0f}, s.apply(new float[][] {{3f, 5f}})[0]);
        // a later value off the constant moves the input by its own size, not a millionfold
        assertArrayEquals(new float[] {0f, 1f}, s.apply(new float[][] {{2f, 6f}})[0]);
    }

    @Test
    void minMaxAndNoNormalization() {
        float[][] rows = {{1f, 5f, -2f}, {3f, 5f, 2f}};
        Standardizer minmax = Standardizer.fit(rows, Normalization.MINMAX);
        assertArrayEquals(new float[] {1f, 5f, -2f}, minmax.mean());
        assertArrayEquals(new float[] {2f, 1f, 4f}, minmax.std());
        assertArrayEquals(new float[] {1f, 0f, 0.5f}, minmax.apply(new float[][] {{3f, 5f, 0f}})[0]);
        Standardizer none = Standardizer.fit(rows, Normalization.NONE);
        assertArrayEquals(new float[] {3f, 5f, 0f}, none.apply(new float[][] {{3f, 5f, 0f}})[0]);
        // per channel: two channels of two values each
        Standardizer channels = Standardizer.fitPerChannel(new float[][] {{0f, 2f, 7f, 7f}}, 2, Normalization.MINMAX);
        assertArrayEquals(new float[] {0f, 7f}, channels.mean());
        assertArrayEquals(new float[] {2f, 1f}, channels.std());
        assertEquals(Normalization.MINMAX, Normalization.parse(" MinMax "));
        assertEquals(Normalization.STANDARD, Normalization.parse(""));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Normalization.parse("l2"));
    }

    @Test
    void balancedAndExplicitClassWeights() {
        List<String> labels = List.of("a", "b", "c");
        int[] train = {0, 0, 0, 0, 0, 0, 1, 1, 2};
        float[] balanced = ClassWeights.BALANCED.perClass(labels, train);
        assertArrayEquals(new float[] {9f / (3 * 6), 9f / (3 * 2), 9f / 3}, balanced, 1e-6f);
        assertArrayEquals(new float[] {1f, 1f, 1f}, ClassWeights.NONE.perClass(labels, train));
        assertArrayEquals(
                new float[] {1f, 4f, 1f}, ClassWeights.of(Map.of("b", 4.0)).perClass(labels, train));
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> ClassWeights.of(Map.of("z", 2.0)).perClass(labels, train));
        assertTrue(unknown.getMessage().contains("'z'"), unknown.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ClassWeights.of(Map.of("a", -1.0)));
        assertEquals(ClassWeights.BALANCED, ClassWeights.parse("Balanced", Map.of()));
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ClassWeights.parse("inverse", Map.of()));
    }
}
