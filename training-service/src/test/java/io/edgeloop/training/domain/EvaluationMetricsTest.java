package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void standardizerUsesTrainStatistics() {
        Standardizer s = Standardizer.fit(new float[][] {{1f, 5f}, {3f, 5f}});
        assertArrayEquals(new float[] {2f, 5f}, s.mean());
        assertEquals(1f, s.std()[0], 1e-7);
        assertEquals(Standardizer.MIN_STD, s.std()[1]); // constant feature does not divide by zero
        assertArrayEquals(new float[] {1f, 0f}, s.apply(new float[][] {{3f, 5f}})[0]);
    }
}
