package io.edgeloop.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.console.clients.MonitoringViews.DriftHistory;
import io.edgeloop.console.clients.MonitoringViews.HistoryEntry;
import io.edgeloop.console.clients.MonitoringViews.HistoryFeature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drift over time from monitoring's recorded evaluations: rows, charts, and what is said without any. */
class DriftHistoryViewTest {
    private static HistoryEntry entry(String at, double score, boolean detected, List<HistoryFeature> features) {
        return new HistoryEntry(
                at, 2, "motion@v2", "feature-tests+drift-share", 300, score, 0.5, score, detected, true, features);
    }

    private static HistoryFeature feature(int index, Double ks, boolean drifted) {
        return new HistoryFeature(index, "wasserstein", 0.2, 0.1, drifted, ks, null, null);
    }

    @Test
    void rowsNewestFirstChartsOldestFirst() {
        var view = DriftHistoryView.of(
                new DriftHistory(
                        "motion",
                        List.of(
                                entry(
                                        "2026-12-07T01:02:00Z",
                                        0.75,
                                        true,
                                        List.of(feature(0, 0.4, true), feature(1, 0.3, true), feature(2, null, false))),
                                entry("2026-12-07T01:01:00Z", 0.25, false, List.of(feature(0, 0.1, false))))),
                List.of("accX", "accY"));
        assertEquals(2, view.rows().size());
        var newest = view.rows().get(0);
        assertEquals("2026-12-07 01:02:00Z", newest.time());
        assertEquals("accX, accY", newest.driftedFeatures());
        assertEquals("75.0 %", newest.share());
        assertEquals("drifted", newest.prediction());
        assertTrue(newest.drifted());
        assertEquals(
                List.of("2026-12-07 01:01:00Z", "2026-12-07 01:02:00Z"),
                view.scoreChart().categories());
        assertEquals(List.of(0.25, 0.75), view.scoreChart().series().get(0).data());
        assertEquals(
                List.of("accX", "accY", "feature 2"),
                view.featureChart().series().stream().map(Chart.Series::name).toList());
        List<Double> gap = new ArrayList<>();
        gap.add(null);
        gap.add(0.3);
        assertEquals(gap, view.featureChart().series().get(1).data(), "no figure in an evaluation: a gap");
        assertTrue(view.note().startsWith("2 evaluations recorded"));
    }

    @Test
    void atMostTwelveFeaturesAreDrawn() {
        List<HistoryFeature> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(feature(i, 0.01 * i, false));
        }
        var view = DriftHistoryView.of(
                new DriftHistory("motion", List.of(entry("2026-12-07T01:00:00Z", 0.1, false, many))), List.of());
        assertEquals(
                DriftHistoryView.CHART_FEATURES, view.featureChart().series().size());
        assertEquals("feature 11", view.featureChart().series().get(11).name());
    }

    @Test
    void noHistoryIsSaidNotDrawn() {
        var none = DriftHistoryView.of(new DriftHistory("motion", List.of()), List.of());
        assertTrue(none.rows().isEmpty());
        assertTrue(none.scoreChart().empty() && none.featureChart().empty());
        assertTrue(none.note().startsWith("No drift evaluation of this model has been recorded yet"));
        assertTrue(DriftHistoryView.unavailable().note().contains("gave no drift history"));
    }
}
