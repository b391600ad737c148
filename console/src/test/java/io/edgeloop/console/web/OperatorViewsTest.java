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
    void datasetCountsPerClassAndSplitAndGroupsIngests() {
        var d = new DataViews.Dataset("ds", List.of("f"), List.of("a", "b"), 4, 1, "ds@v1", null, null, List.of(1));
        List<DataViews.Sample> samples = List.of(
                new DataViews.Sample("1", "a", "train", "csv", "2026-01-01T00:00:00.1Z"),
                new DataViews.Sample("2", "a", "test", "csv", "2026-01-01T00:00:00.2Z"),
                new DataViews.Sample("3", "b", "validation", "cam", "2026-01-02T00:00:00Z"),
                new DataViews.Sample("4", null, null, "cam", "2026-01-02T00:00:00Z"));
        DatasetView view = DatasetView.of(d, List.of(), samples, false);
        assertEquals(new DatasetView.CountRow("a", 1, 0, 1, 2), view.counts().get(0));
        assertEquals(
                new DatasetView.CountRow("total", 1, 1, 1, 4), view.counts().get(3));
        assertEquals("2026-01-02 00:00:00Z", view.ingests().get(0).at());
        assertEquals("(unlabeled)=1, b=1", view.ingests().get(0).labels());
        assertEquals(2, view.ingests().get(1).samples());
        assertTrue(view.countNote().startsWith("counted over the first 4 of 4"));
        assertEquals(3, d.valuesPerSample() + 2);
    }
}
