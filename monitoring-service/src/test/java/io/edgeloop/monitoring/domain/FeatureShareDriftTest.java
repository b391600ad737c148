package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code feature-share} rule (Evidently's defaults) on generated Gaussian streams of eight features. */
class FeatureShareDriftTest {
    private static final int FEATURES = GaussianReference.FEATURES;
    private static final DriftPolicy EVIDENTLY = GaussianReference.EVIDENTLY;
    private static ReferenceProfile reference;

    @BeforeAll
    static void profileTrainingData() {
        reference = GaussianReference.profile();
    }

    /** {@code rows} rows; feature f ~ N(10 f + shift[f], scale[f]^2). */
    private static double[][] window(long seed, int rows, double[] shift, double[] scale) {
        Random random = new Random(seed);
        double[][] columns = new double[FEATURES][rows];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < FEATURES; f++) {
                columns[f][r] = 10 * f + shift[f] + scale[f] * random.nextGaussian();
            }
        }
        return columns;
    }

    private static double[] constant(double v) {
        double[] a = new double[FEATURES];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void noDriftRaisesAtMostOnePercentFalseAlarmsOver200Windows() {
        DriftEvaluator share = new DriftEvaluator(EVIDENTLY);
        DriftEvaluator ksMax = new DriftEvaluator(DriftPolicy.ksMax(0.25, 0.001, 300));
        int shareAlarms = 0;
        int ksMaxAlarms = 0;
        int featureFlags = 0;
        for (int w = 0; w < 200; w++) {
            double[][] obs = window(1000 + w, 300, constant(0), constant(1));
            DriftReport r = share.evaluate(reference, obs);
            shareAlarms += r.driftDetected() ? 1 : 0;
            featureFlags += r.features().stream()
                                    .filter(DriftReport.FeatureResult::drifted)
                                    .count()
                            > 0
                    ? 1
                    : 0;
            ksMaxAlarms += ksMax.evaluate(reference, obs).driftDetected() ? 1 : 0;
        }
        assertTrue(shareAlarms <= 2, "feature-share false alarms: " + shareAlarms + " of 200");
        assertTrue(ksMaxAlarms <= 2, "ks-max false alarms: " + ksMaxAlarms + " of 200");
        // Holm keeps the chance of any flagged feature in a window near 5 %
        assertTrue(featureFlags <= 20, "windows with a flagged feature: " + featureFlags + " of 200");
    }

    @Test
    void halfSigmaShiftOfOneFeatureInEightIsFlaggedInTheFirstTwoWindows() {
        double[] shift = constant(0);
        shift[3] = 0.5;
        DriftPolicy oneFeatureIsEnough =
                new DriftPolicy(DriftPolicy.Method.FEATURE_SHARE, 0.25, 0.001, 300, 1000, 0.05, 0.1, 1.0 / FEATURES);
        for (int w = 0; w < 2; w++) {
            double[][] obs = window(50 + w, 300, shift, constant(1));
            DriftReport r = new DriftEvaluator(EVIDENTLY).evaluate(reference, obs);
            assertTrue(
                    r.features().get(3).drifted(),
                    "window " + w + ": " + r.features().get(3));
            assertEquals("ks", r.features().get(3).test());
            assertEquals(1.0 / FEATURES, r.driftShare(), 1e-12);
            assertFalse(r.driftDetected(), "one feature of eight is below the default share of 0.5");
            assertTrue(new DriftEvaluator(oneFeatureIsEnough)
                    .evaluate(reference, obs)
                    .driftDetected());
        }
    }

    @Test
    void varianceOnlyChangeIsDetectedByKsAndByWasserstein() {
        double[][] small = window(7, 500, constant(0), constant(2));
        DriftReport byKs = new DriftEvaluator(EVIDENTLY).evaluate(reference, small);
        assertTrue(byKs.driftDetected(), "KS, 500 rows: share " + byKs.driftShare());
        byKs.features().forEach(f -> assertEquals("ks", f.test()));

        double[][] large = window(8, 1500, constant(0), constant(2));
        DriftReport byDistance = new DriftEvaluator(EVIDENTLY).evaluate(reference, large);
        assertTrue(byDistance.driftDetected(), "Wasserstein, 1,500 rows: share " + byDistance.driftShare());
        for (DriftReport.FeatureResult f : byDistance.features()) {
            assertEquals("wasserstein", f.test());
            // N(0,1) -> N(0,4): W1 = E|Z| (2 - 1) = 0.80 reference standard deviations
            assertEquals(0.80, f.wasserstein(), 0.1);
            assertEquals(f.wasserstein(), f.statistic());
            assertEquals(0.1, f.featureThreshold());
        }
        assertEquals("feature-tests+drift-share", byDistance.method());
        assertEquals(1.0, byDistance.driftScore());
        assertEquals(0.5, byDistance.threshold());
    }

    @Test
    void unchangedLargeWindowStaysBelowTheDistanceThreshold() {
        DriftReport r = new DriftEvaluator(EVIDENTLY).evaluate(reference, window(9, 1500, constant(0), constant(1)));
        assertFalse(r.driftDetected());
        r.features().forEach(f -> assertTrue(f.wasserstein() < 0.1, f.toString()));
        r.features().forEach(f -> assertTrue(f.jensenShannon() < 0.1, f.toString()));
    }

    @Test
    void tooFewRowsSaysWhy() {
        DriftReport r = new DriftEvaluator(EVIDENTLY).evaluate(reference, window(9, 120, constant(0), constant(1)));
        assertFalse(r.computed());
        assertEquals("120 observed rows, drift needs at least 300", r.reason());
    }

    @Test
    void wassersteinOfAShiftIsTheShift() {
        double[] ref = {0, 1, 2, 3};
        assertEquals(0.0, FeatureStatistics.wasserstein(ref, new double[] {3, 2, 1, 0}), 1e-12);
        assertEquals(0.5, FeatureStatistics.wasserstein(ref, new double[] {0.5, 1.5, 2.5, 3.5}), 1e-12);
        // two points vs one: |F difference| 0.5 over [0, 1]
        assertEquals(0.5, FeatureStatistics.wasserstein(new double[] {0, 1}, new double[] {0}), 1e-12);
        assertEquals(5.0, FeatureStatistics.normalizedWasserstein(ref, new double[] {0.5, 1.5, 2.5, 3.5}, 0.1), 1e-9);
    }

    @Test
    void jensenShannonIsZeroForEqualSharesAndSqrtLn2ForDisjointOnes() {
        assertEquals(0.0, FeatureStatistics.jensenShannon(new double[] {0.2, 0.8}, new double[] {2, 8}), 1e-12);
        assertEquals(
                Math.sqrt(Math.log(2)),
                FeatureStatistics.jensenShannon(new double[] {1, 0}, new double[] {0, 1}),
                1e-12);
    }

    @Test
    void holmAdjustsStepDownAndStaysMonotone() {
        // sorted 0.01, 0.02, 0.04 over 3 tests: 0.03, max(0.03, 0.04) = 0.04, max(0.04, 0.04) = 0.04
        assertArrayEquals(
                new double[] {0.04, 0.03, 0.04}, FeatureStatistics.holm(new double[] {0.04, 0.01, 0.02}), 1e-12);
        assertArrayEquals(new double[] {1.0, 1.0}, FeatureStatistics.holm(new double[] {0.6, 0.9}), 1e-12);
    }
}
