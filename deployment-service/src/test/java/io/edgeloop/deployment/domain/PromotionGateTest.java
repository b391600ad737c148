package io.edgeloop.deployment.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.PromotionEvidence;
import org.junit.jupiter.api.Test;

class PromotionGateTest {
    private static final Policy.Promotion POLICY = new Policy.Promotion(0.5, 0.02);

    private static PromotionEvidence evidence(double cand, int champVersion, double champ, boolean classification) {
        return PromotionEvidence.newBuilder()
                .setSplit("test")
                .setSampleCount(200)
                .setCandidateAccuracy(cand)
                .setChampionVersion(champVersion)
                .setChampionAccuracy(champ)
                .setClassification(classification)
                .build();
    }

    @Test
    void candidateWorseThanProductionBeyondTheMarginFails() {
        var d = PromotionGate.evaluate(evidence(0.85, 3, 0.90, true), POLICY);
        assertFalse(d.passed());
        assertTrue(
                d.reasons().get(0).contains("vs production v3 0.9000"),
                d.reasons().toString());
        var within = PromotionGate.evaluate(evidence(0.885, 3, 0.90, true), POLICY);
        assertTrue(within.passed(), within.reasons().toString());
        assertTrue(PromotionGate.evaluate(evidence(0.95, 3, 0.90, true), POLICY).passed());
    }

    @Test
    void minimumAccuracyAndFirstVersions() {
        var random = PromotionGate.evaluate(evidence(0.10, 0, 0, true), POLICY);
        assertFalse(random.passed());
        assertTrue(
                random.reasons().get(0).contains("< minAccuracy 0.5000"),
                random.reasons().toString());
        var first = PromotionGate.evaluate(evidence(0.9, 0, 0, true), POLICY);
        assertTrue(first.passed());
        assertTrue(
                first.reasons().toString().contains("no production version"),
                first.reasons().toString());
    }

    @Test
    void noEvidenceOrNonClassificationPassesWithANote() {
        var none = PromotionGate.evaluate(null, POLICY);
        assertTrue(none.passed());
        assertTrue(none.reasons().get(0).contains("no promotion evidence"));
        var regression = PromotionGate.evaluate(evidence(0.0, 2, 0.9, false), POLICY);
        assertTrue(regression.passed());
        assertTrue(regression.reasons().get(0).contains("not a classification model"));
    }
}
