package io.edgeloop.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.console.clients.CardViews;
import io.edgeloop.console.clients.DataViews;
import io.edgeloop.console.clients.FleetViews;
import io.edgeloop.console.clients.MonitoringViews;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The view builders of the model card, live performance, alerts, data set and rollout-control pages. */
class OperatorViewsTest {
    private static MonitoringViews.Performance perf(int v, long labelled, Double accuracy, boolean drifted) {
        return new MonitoringViews.Performance(
                "m",
                v,
                labelled,
                labelled,
                accuracy,
                accuracy,
                Map.of("b", 0.5, "a", 1.0),
                0.05,
                0.9,
                new MonitoringViews.PerformanceDrift(true, drifted, 0.85, 0.01, null, drifted ? "ev-1" : null));
    }

    @Test
    void rolloutActionsFollowTheStatesDeploymentServiceAllows() {
        assertEquals(List.of("pause", "rollback"), FleetView.actions("ROLLING_OUT"));
        assertEquals(List.of("resume", "rollback"), FleetView.actions("PAUSED"));
        assertEquals(List.of("rollback"), FleetView.actions("COMPLETED"));
        assertEquals(List.of("start"), FleetView.actions("HELD"));
        assertEquals(List.of(), FleetView.actions("ROLLED_BACK"));
        assertEquals(List.of(), FleetView.actions(null));
    }

    @Test
    void liveViewChartsOnlyVersionsWithLabelsOldestFirst() {
        LiveView live = LiveView.of(
                List.of(perf(3, 10, 0.8, true), perf(2, 0, null, false), perf(1, 5, 1.0, false)),
                Map.of("zone", List.of(new MonitoringViews.Segment("a", 3, 2, 0.6667, 0.5, Map.of(), null))),
                "");
        assertEquals(List.of("v1", "v3"), live.chart().categories());
        assertEquals("a 100.0 %, b 50.0 %", live.versions().get(0).recall());
        assertTrue(live.versions().get(0).drifted());
        assertEquals("below baseline 85.0 % (p 0.0100)", live.versions().get(0).verdict());
        assertEquals("66.7 %", live.segments().get(0).rows().get(0).accuracy());
        assertEquals("-", live.segments().get(0).rows().get(0).calibration());
    }

    @Test
    void labelKeysAreSortedAndBounded() {
        var d = new FleetViews.Device(
                "e",
                Map.of("zone", "a", "fleet", "x", "a", "1", "b", "2", "c", "3"),
                null,
                null,
                null,
                true,
                true,
                List.of(),
                null);
        assertEquals(List.of("a", "b", "c", "fleet"), LiveFigures.labelKeys(List.of(d)));
    }

    @Test
    void alertRowsNameDriftedFeaturesAndEvents() {
        var f = new MonitoringViews.FeatureDrift(4, "ks", 0.5, 0.2, true, 0.5, 0.001, 0.3, 0, 1);
        var d = new MonitoringViews.Drift("m", 3, "m@v3", 50, 0.5, 0.2, true, "ks", 1, null, List.of(f), "ev-9");
        AlertRow row = AlertRow.of("m", d, perf(3, 10, 0.8, true));
        assertTrue(row.alert());
        assertEquals("drift detected: score 0.5000 against 0.2000 (ks), 50 rows; drifted features: 4", row.input());
        assertEquals("ev-9", row.inputEvent());
        assertEquals("ev-1", row.performanceEvent());
        assertEquals("no deployment seen", AlertRow.notDeployed("m").input());
    }

    @Test
    void cardShowsBalanceSharesVariantCostAndProvenance() {
        var card = new CardViews.Card(
                "m",
                2,
                new CardViews.Overview("mlp", 4, List.of("a", "b"), 10L, Map.of(), List.of(), Map.of()),
                null,
                new CardViews.TrainingData("ds", 1, "ds@v1", "run-1", 0, 4L, 4L, Map.of("a", 3L, "b", 1L)),
                Map.of("test_accuracy", 0.75),
                List.of(new CardViews.ClassFigures("a", 0.5, null, 0.6, 3L)),
                List.of(new CardViews.VariantFigures("v", "cpu-int8", "onnx", 2048, 0.7, 0.05, 50.0, Map.of())),
                List.of("small test split"),
                new CardViews.Provenance(
                        "bob",
                        "2026-01-02T03:04:05.678Z",
                        List.of(new CardViews.Promotion("prod", "set", "carol", null, "2026-01-03T00:00:00Z")),
                        List.of()),
                "see monitoring");
        CardView view = CardView.of(card, LiveView.of(List.of(), Map.of(), ""));
        assertEquals("", view.intendedUse());
        assertEquals(
                "75.0 %",
                view.balance().stream()
                        .filter(b -> b.label().equals("a"))
                        .findFirst()
                        .orElseThrow()
                        .share());
        assertEquals("-", view.perClass().get(0).recall());
        assertEquals("+5.0 pt", view.variants().get(0).cost());
        assertEquals(
                "by carol at 2026-01-03 00:00:00Z", view.provenance().get(1).value());
        assertEquals(2, view.charts().size());
    }

    @Test
    void datasetCountsHistogramsAndIngestLogFromDataService() {
        var d = new DataViews.Dataset(
                "ds", List.of("f", "g"), List.of("a", "b"), 4, 1, "ds@v1", null, null, List.of(2));
        var stats = twoClassStats();
        var refused = new DataViews.Ingest(
                2,
                "2026-01-02T00:00:00.250Z",
                "alice",
                "csv",
                null,
                "rejected",
                422,
                10,
                0,
                1,
                0,
                "1 of 10 rows are invalid; nothing was stored",
                List.of(new DataViews.Rejection(7L, "line 7", "column 'g': missing value")));
        var stored = new DataViews.Ingest(
                1, "2026-01-01T00:00:00Z", "bob", "json", "cam", "stored", 201, 4, 4, 0, 0, null, List.of());
        DatasetView view = DatasetView.of(d, List.of(), stats, List.of(refused, stored));

        assertEquals(new DatasetView.CountRow("a", 1, 0, 1, 2), view.counts().get(0));
        assertEquals(
                new DatasetView.CountRow("(unlabeled)", 0, 0, 0, 1),
                view.counts().get(2));
        assertEquals(
                new DatasetView.CountRow("total", 1, 1, 1, 4), view.counts().get(3));
        assertEquals(
                new DatasetView.FeatureRow("f", 4, "0", "2", "0.75", "0.8292"),
                view.featureRows().get(0));
        assertEquals("-", view.featureRows().get(2).min());
        assertEquals(2, view.histograms().size(), "a feature without values has no chart");
        assertEquals(List.of("0", "1"), view.histograms().get(0).categories());
        assertEquals(List.of(3.0, 1.0), view.histograms().get(0).series().get(0).data());
        assertEquals(List.of("= 5"), view.histograms().get(1).categories());
        assertEquals("2026-01-02 00:00:00Z", view.ingests().get(0).at());
        assertTrue(view.ingests().get(0).refused());
        assertEquals("-", view.ingests().get(0).source());
        assertEquals("", view.ingests().get(1).detail());
        assertEquals(
                List.of(new DatasetView.RejectionRow(
                        "2026-01-02 00:00:00Z", "csv", "7", "line 7", "column 'g': missing value")),
                view.rejections());
        assertEquals("all 4 live samples, counted by data-service", view.countNote());
        assertEquals("1.235e-05", DatasetView.figure(1.2345e-5));
        assertEquals("12350", DatasetView.figure(12345.0));
    }

    /** Two classes, one unlabeled sample; f in two bins, g constant, h without values. */
    private static DataViews.Stats twoClassStats() {
        return new DataViews.Stats(
                "ds",
                null,
                2,
                4,
                1,
                new DataViews.SplitCounts(1, 1, 1),
                List.of(new DataViews.ClassCounts("a", 1, 0, 1, 2), new DataViews.ClassCounts("b", 0, 1, 0, 1)),
                List.of(
                        new DataViews.FeatureStats(
                                "f", 4, 0.0, 2.0, 0.75, 0.8291561975888, List.of(0.0, 1.0, 2.0), List.of(3L, 1L)),
                        new DataViews.FeatureStats("g", 4, 5.0, 5.0, 5.0, 0.0, List.of(5.0, 5.0), List.of(4L)),
                        new DataViews.FeatureStats("h", 0, null, null, null, null, List.of(), List.of())));
    }
}
