package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionDriftTest {
    private static final DriftPolicy POLICY =
            new DriftPolicy(DriftPolicy.Method.FEATURE_SHARE, 0.25, 0.001, 100, 1000, 0.05, 0.1, 0.5);
    private static final Map<String, Long> TRAINING = Map.of("idle", 500L, "normal", 300L, "fault", 200L);

    @Test
    void theTrainingMixIsNoDriftAndAShiftedMixIs() {
        PredictionDrift same = PredictionDrift.evaluate(
                        TRAINING, Map.of("idle", 250L, "normal", 148L, "fault", 102L), POLICY)
                .orElseThrow();
        assertEquals("chi-square", same.test());
        assertEquals(500, same.predictions());
        assertFalse(same.drifted(), "p " + same.statistic());
        assertEquals(0.5, same.referenceShares().get("idle"), 1e-12);

        PredictionDrift shifted = PredictionDrift.evaluate(
                        TRAINING, Map.of("idle", 150L, "normal", 150L, "fault", 200L), POLICY)
                .orElseThrow();
        assertTrue(shifted.drifted(), "p " + shifted.statistic());
        assertTrue(shifted.statistic() < 1e-6);
        assertEquals(0.4, shifted.observedShares().get("fault"), 1e-12);
    }

    @Test
    void manyPredictionsAreJudgedByJensenShannonDistance() {
        PredictionDrift slight = PredictionDrift.evaluate(
                        TRAINING, Map.of("idle", 4800L, "normal", 3100L, "fault", 2100L), POLICY)
                .orElseThrow();
        assertEquals("jensen-shannon", slight.test());
        assertEquals(slight.jensenShannon(), slight.statistic());
        assertFalse(slight.drifted(), "a 2-point change of shares over 10,000 predictions: " + slight.statistic());

        PredictionDrift flipped = PredictionDrift.evaluate(
                        TRAINING, Map.of("idle", 2000L, "normal", 3000L, "fault", 5000L), POLICY)
                .orElseThrow();
        assertTrue(flipped.drifted(), "distance " + flipped.statistic());
    }

    @Test
    void aClassTheTrainingDataNeverHadIsDrift() {
        PredictionDrift unseen = PredictionDrift.evaluate(
                        TRAINING, Map.of("idle", 240L, "normal", 150L, "fault", 100L, "class-9", 10L), POLICY)
                .orElseThrow();
        assertTrue(unseen.drifted());
        assertEquals(0.0, unseen.referenceShares().get("class-9"));
    }

    @Test
    void tooFewPredictionsOrNoLabelsAreNotEvaluated() {
        assertTrue(
                PredictionDrift.evaluate(TRAINING, Map.of("idle", 99L), POLICY).isEmpty());
        assertTrue(PredictionDrift.evaluate(Map.of(), Map.of("idle", 500L, "fault", 1L), POLICY)
                .isEmpty());
        assertTrue(PredictionDrift.evaluate(Map.of("idle", 5L), Map.of("idle", 500L), POLICY)
                .isEmpty());
    }

    @Test
    void underFeatureShareThePredictionIsOneMoreColumn() {
        DriftReport.FeatureResult calm =
                new DriftReport.FeatureResult(0, 0.01, 0.9, 0, 0, 0, 0.01, 0.01, "ks", 0.9, 0.05, false);
        DriftReport.FeatureResult moved =
                new DriftReport.FeatureResult(1, 0.4, 0.0, 1, 0, 1, 0.5, 0.4, "ks", 0.0, 0.05, true);
        DriftReport features = new DriftReport(
                500, 0.5, true, List.of(calm, moved), "feature-tests+drift-share", 0.5, 0.5, null, null);
        PredictionDrift stable = PredictionDrift.evaluate(
                        TRAINING, Map.of("idle", 250L, "normal", 150L, "fault", 100L), POLICY)
                .orElseThrow();
        DriftReport withStable = features.withPrediction(stable, POLICY);
        assertEquals(1.0 / 3, withStable.driftShare(), 1e-12);
        assertFalse(withStable.driftDetected(), "1 of 3 columns drifted, below the share of 0.5");
        assertEquals(stable, withStable.prediction());

        DriftPolicy ksMax = DriftPolicy.ksMax(0.25, 0.001, 100);
        DriftReport reported = features.withPrediction(stable, ksMax);
        assertTrue(reported.driftDetected(), "ks-max reports the prediction without changing the verdict");
        assertEquals(0.5, reported.driftShare());
    }
}
