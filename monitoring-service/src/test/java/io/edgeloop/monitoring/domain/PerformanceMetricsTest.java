package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Live performance metrics and the performance drift test against hand-computed values. */
class PerformanceMetricsTest {
    private static final List<String> LABELS = List.of("a", "b", "c");

    private static PerformanceMetrics.Outcome o(int predicted, int truth, double confidence) {
        return new PerformanceMetrics.Outcome(predicted, truth, confidence);
    }

    @Test
    void metricsMatchHandComputedValues() {
        PerformanceMetrics m = PerformanceMetrics.of(
                List.of(o(0, 0, 0.95), o(0, 0, 0.85), o(1, 0, 0.65), o(1, 1, 0.75), o(2, 1, 0.55), o(2, 2, 0.95)),
                LABELS);
        assertEquals(6, m.labelledCount());
        assertEquals(4, m.correctCount());
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        // per class: a TP 2, support 3, predicted 2 -> F1 0.8; b 1/2/2 -> 0.5; c 1/1/2 -> 2/3
        assertEquals((0.8 + 0.5 + 2.0 / 3) / 3, m.macroF1(), 1e-12);
        assertEquals(Map.of("a", 2.0 / 3, "b", 0.5, "c", 1.0), m.perClassRecall());
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.perClassRecall().keySet()));
        // bins: (0.9,1] 2 hits at 0.95 -> gap 0.05; 0.85 hit 0.15; 0.75 hit 0.25; 0.65 miss 0.65; 0.55 miss 0.55
        assertEquals((2 * 0.05 + 0.15 + 0.25 + 0.65 + 0.55) / 6, m.expectedCalibrationError(), 1e-12);
    }

    @Test
    void classesAbsentFromTruthAndPredictionsAreLeftOutOfMacroF1() {
        PerformanceMetrics m = PerformanceMetrics.of(List.of(o(0, 0, 1.0), o(0, 1, 0.6)), List.of("a", "b", "c", "d"));
        // a: TP 1, support 1, predicted 2 -> 2/3; b: TP 0 -> 0; c, d never seen: not averaged
        assertEquals((2.0 / 3 + 0) / 2, m.macroF1(), 1e-12);
        assertEquals(Map.of("a", 1.0, "b", 0.0), m.perClassRecall());
        // bins: 1.0 hit (gap 0) and 0.6 miss (gap 0.6)
        assertEquals(0.6 / 2, m.expectedCalibrationError(), 1e-12);
    }

    @Test
    void noLabelsGiveNoFigures() {
        PerformanceMetrics m = PerformanceMetrics.of(List.of(), LABELS);
        assertEquals(0, m.labelledCount());
        assertTrue(Double.isNaN(m.accuracy()));
        assertTrue(Double.isNaN(m.macroF1()));
        assertTrue(Double.isNaN(m.expectedCalibrationError()));
        assertTrue(m.perClassRecall().isEmpty());
    }

    @Test
    void confidenceBinsAreRightClosedTenths() {
        assertEquals(0, PerformanceMetrics.bin(0.0));
        assertEquals(0, PerformanceMetrics.bin(0.1));
        assertEquals(1, PerformanceMetrics.bin(0.1001));
        assertEquals(2, PerformanceMetrics.bin(0.3f)); // float-stored 0.3 is 0.30000001
        assertEquals(9, PerformanceMetrics.bin(1.0));
    }

    @Test
    void theBinomialTestDecidesNotABareThreshold() {
        PerformanceCheck check = new PerformanceCheck(10, 0.0, 0.05);
        // P(X <= 5 | n 10, p 0.8) = 0.0327935 (sum of binomial terms)
        PerformanceCheck.Verdict v = check.judge(10, 5, 0.8);
        assertTrue(v.evaluated());
        assertEquals(0.0327934976, v.pValue(), 1e-9);
        assertTrue(v.drifted());
        assertFalse(new PerformanceCheck(10, 0.0, 0.01).judge(10, 5, 0.8).drifted(), "not significant at 0.01");

        PerformanceCheck margin = new PerformanceCheck(100, 0.05, 0.01);
        // baseline 0.9 - 0.05 = 0.85: 70 of 100 -> p = 1.0548e-4 (drifted); 80 of 100 -> p = 0.1065 (not)
        assertEquals(1.0548125780926e-4, margin.judge(100, 70, 0.9).pValue(), 1e-12);
        assertTrue(margin.judge(100, 70, 0.9).drifted());
        PerformanceCheck.Verdict low = margin.judge(100, 80, 0.9);
        assertEquals(0.10654425648, low.pValue(), 1e-9);
        assertFalse(low.drifted(), "0.80 is below 0.85, but not significantly with 100 labels");
        assertEquals(0.85, low.baseline(), 1e-12);

        PerformanceCheck.Verdict few = margin.judge(99, 0, 0.9);
        assertFalse(few.evaluated());
        assertTrue(few.reason().contains("99 labelled"), few.reason());
        assertFalse(margin.judge(500, 10, null).evaluated(), "no test accuracy, no test");
    }
}
