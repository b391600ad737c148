package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When an evaluation is recorded, and the compact per-feature figures stored with it. */
class DriftHistoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anEvaluationIsRecordedOncePerIntervalUnlessTheVerdictOrVersionChanged() {
        Duration minute = Duration.ofMinutes(1);
        DriftHistory.Last last = new DriftHistory.Last(2, false, T0);
        assertTrue(DriftHistory.due(null, 2, false, T0, minute), "the first one");
        assertFalse(DriftHistory.due(last, 2, false, T0.plusSeconds(59), minute), "within the interval");
        assertTrue(DriftHistory.due(last, 2, false, T0.plusSeconds(60), minute), "the interval passed");
        assertTrue(DriftHistory.due(last, 2, true, T0.plusSeconds(1), minute), "the verdict changed");
        assertTrue(DriftHistory.due(last, 3, false, T0.plusSeconds(1), minute), "another version");
        assertTrue(DriftHistory.due(last, 2, false, T0, Duration.ZERO), "interval 0: every evaluation");
    }

    @Test
    void featuresAreStoredCompactlyAndReadBackWithNonFiniteFiguresAsNull() {
        List<DriftReport.FeatureResult> features = List.of(
                new DriftReport.FeatureResult(0, 0.31, 1e-9, 0.4, 0.0, 1.2, 0.5, 0.2, "ks", 1e-9, 0.05, true),
                new DriftReport.FeatureResult(
                        1, 0.02, Double.NaN, Double.POSITIVE_INFINITY, 0, 0, 0, 0, "wasserstein", 0.01, 0.1, false));
        String json = DriftHistory.featuresJson(features);
        assertTrue(json.length() < 120 * features.size(), json);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        List<DriftHistory.FeatureSummary> back = DriftHistory.features(json);
        assertEquals(2, back.size());
        DriftHistory.FeatureSummary f0 = back.get(0);
        assertEquals(0, f0.index());
        assertEquals("ks", f0.test());
        assertEquals(1e-9, f0.statistic());
        assertEquals(0.05, f0.threshold());
        assertTrue(f0.drifted());
        assertEquals(0.31, f0.ks());
        assertEquals(0.4, f0.psi());
        DriftHistory.FeatureSummary f1 = back.get(1);
        assertEquals("wasserstein", f1.test());
        assertNull(f1.p());
        assertNull(f1.psi());
        assertFalse(f1.drifted());
    }
}
