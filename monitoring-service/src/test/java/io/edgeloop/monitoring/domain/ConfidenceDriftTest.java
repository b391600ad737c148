package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Confidence drift (Welch's t-test on mean confidences) against hand-computed values. */
class ConfidenceDriftTest {
    @Test
    void aFallingMeanConfidenceIsDetected() {
        // means 0.85 and 0.55, sample variances 0.01/3 each: t = 0.3 / sqrt(2 * 0.01/3/4) = 7.3485, df 6;
        // p = I_{6/(6+t^2)}(3, 1/2) = I_0.1(3, 0.5) = 3.2497e-4 (numerical integration of the beta function)
        ConfidenceDrift d = ConfidenceDrift.evaluate(
                        new double[] {0.9, 0.8, 0.9, 0.8}, new double[] {0.6, 0.5, 0.6, 0.5}, 0.01)
                .orElseThrow();
        assertEquals(0.85, d.baselineMean(), 1e-12);
        assertEquals(0.55, d.recentMean(), 1e-12);
        assertEquals(3.2497467927e-4, d.pValue(), 1e-8);
        assertTrue(d.drifted());
    }

    @Test
    void aRisingOrUnchangedConfidenceIsNotDrift() {
        assertFalse(ConfidenceDrift.evaluate(new double[] {0.6, 0.5, 0.6, 0.5}, new double[] {0.9, 0.8, 0.9, 0.8}, 0.01)
                .orElseThrow()
                .drifted());
        ConfidenceDrift same = ConfidenceDrift.evaluate(new double[] {0.9, 0.9}, new double[] {0.9, 0.9}, 0.01)
                .orElseThrow();
        assertEquals(1.0, same.pValue());
        assertFalse(same.drifted());
        assertTrue(ConfidenceDrift.evaluate(new double[] {0.9}, new double[] {0.5, 0.4}, 0.01)
                .isEmpty());
    }
}
