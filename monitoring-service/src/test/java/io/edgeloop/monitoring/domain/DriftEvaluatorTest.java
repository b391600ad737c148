package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.SensorSimulator;
import java.util.Comparator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DriftEvaluatorTest {
    private static final double THRESHOLD = 0.25;
    private static final double ALPHA = 0.001;
    private static final int TEMPERATURE = 7;
    private static ReferenceProfile reference;
    private final DriftEvaluator evaluator = new DriftEvaluator(THRESHOLD, ALPHA, 300);

    @BeforeAll
    static void profileTrainingData() {
        SensorSimulator sim = new SensorSimulator(1);
        ReferenceProfileBuilder b = new ReferenceProfileBuilder("vibration@v1", SensorSimulator.featureCount(), 2000);
        for (int i = 0; i < 4000; i++) {
            b.add(sim.next().features());
        }
        reference = b.build("vibration", 1);
    }

    static double[][] observe(SensorSimulator.Drift drift, long seed, int rows) {
        SensorSimulator sim = new SensorSimulator(seed).drift(drift);
        double[][] columns = new double[SensorSimulator.featureCount()][rows];
        for (int r = 0; r < rows; r++) {
            float[] f = sim.next().features();
            for (int c = 0; c < f.length; c++) {
                columns[c][r] = f[c];
            }
        }
        return columns;
    }

    @Test
    void sameDistributionScoresLowAndDoesNotDrift() {
        DriftReport r = evaluator.evaluate(reference, observe(SensorSimulator.Drift.NONE, 2, 500));
        assertTrue(r.computed());
        assertEquals(500, r.sampleCount());
        assertEquals(SensorSimulator.featureCount(), r.features().size());
        assertTrue(r.driftScore() < 0.1, "score " + r.driftScore());
        assertFalse(r.driftDetected());
        for (DriftReport.FeatureResult f : r.features()) {
            assertTrue(f.psi() < 0.1, "feature " + f.index() + " psi " + f.psi());
            assertTrue(f.pValue() > ALPHA, "feature " + f.index() + " p " + f.pValue());
            assertEquals(f.referenceMean(), f.observedMean(), 0.1 * Math.abs(f.referenceMean()) + 0.05);
        }
    }

    @Test
    void remountedSensorDrifts() {
        DriftReport r = evaluator.evaluate(reference, observe(SensorSimulator.Drift.REMOUNTED, 2, 500));
        assertTrue(r.driftDetected());
        assertTrue(r.driftScore() > THRESHOLD, "score " + r.driftScore());
        DriftReport.FeatureResult worst = r.features().stream()
                .max(Comparator.comparingDouble(DriftReport.FeatureResult::ksStatistic))
                .orElseThrow();
        assertEquals(r.driftScore(), worst.ksStatistic());
        assertTrue(worst.pValue() < ALPHA);
        DriftReport.FeatureResult temperature = r.features().get(TEMPERATURE);
        assertEquals(18.0, temperature.observedMean() - temperature.referenceMean(), 1.5);
        assertTrue(temperature.psi() > 1.0, "psi " + temperature.psi());
        // kurtosis has gain 1 and offset 0: unchanged by the remount
        assertTrue(r.features().get(4).ksStatistic() < 0.1);
    }

    @Test
    void driftNeedsTheConfiguredMinimumOfRows() {
        DriftReport r = evaluator.evaluate(reference, observe(SensorSimulator.Drift.REMOUNTED, 3, 299));
        assertFalse(r.computed());
        assertEquals(DriftReport.NOT_COMPUTED, r.driftScore());
        assertEquals(299, r.sampleCount());
        assertFalse(r.driftDetected());
        assertTrue(r.features().isEmpty());
    }

    @Test
    void largeKsWithoutSignificanceIsNotDrift() {
        // 5 rows can give a large KS statistic, but never a p-value below 0.001
        DriftEvaluator eager = new DriftEvaluator(THRESHOLD, ALPHA, 5);
        DriftReport r = eager.evaluate(reference, observe(SensorSimulator.Drift.NONE, 4, 5));
        assertTrue(r.computed());
        assertTrue(r.driftScore() > THRESHOLD, "score " + r.driftScore());
        assertFalse(r.driftDetected());
    }

    @Test
    void evaluationIsDeterministic() {
        double[][] obs = observe(SensorSimulator.Drift.REMOUNTED, 5, 400);
        assertEquals(evaluator.evaluate(reference, obs), evaluator.evaluate(reference, obs));
    }

    @Test
    void rejectsObservationsOfAnotherWidth() {
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(reference, new double[3][400]));
    }

    @Test
    void psiIsZeroForIdenticalSharesAndGrowsWithShift() {
        double[] edges = {1, 2, 3};
        double[] ref = {0.25, 0.25, 0.25, 0.25};
        assertEquals(0.0, DriftEvaluator.psi(edges, ref, new double[] {0.5, 1.5, 2.5, 3.5}), 1e-12);
        double shifted = DriftEvaluator.psi(edges, ref, new double[] {3.5, 3.5, 3.5, 2.5});
        // shares (0, 0, .25, .75): (1e-4-.25)ln(1e-4/.25)*2 + 0 + (.75-.25)ln(.75/.25)
        double expected = 2 * (1e-4 - 0.25) * Math.log(1e-4 / 0.25) + 0.5 * Math.log(3);
        assertEquals(expected, shifted, 1e-9);
    }

    @Test
    void binsHoldValuesUpToTheirUpperEdge() {
        double[] edges = {1, 2};
        assertEquals(0, DriftEvaluator.bin(edges, 0.5));
        assertEquals(0, DriftEvaluator.bin(edges, 1.0));
        assertEquals(1, DriftEvaluator.bin(edges, 1.5));
        assertEquals(1, DriftEvaluator.bin(edges, 2.0));
        assertEquals(2, DriftEvaluator.bin(edges, 2.5));
        assertArrayEquals(new double[] {0.5, 0.25, 0.25}, DriftEvaluator.proportions(edges, new double[] {0, 1, 2, 3}));
    }
}
