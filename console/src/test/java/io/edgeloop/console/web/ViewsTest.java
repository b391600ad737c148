package io.edgeloop.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.console.clients.FleetViews;
import io.edgeloop.console.clients.MonitoringViews;
import io.edgeloop.console.clients.RegistryViews;
import io.edgeloop.console.clients.TrainingViews;
import io.edgeloop.kit.api.ApiException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The view-building classes, without a server. */
class ViewsTest {
    private static RegistryViews.Version version(int v, RegistryViews.Variant... variants) {
        return new RegistryViews.Version(
                "m",
                v,
                2048,
                "mlp-8",
                8,
                List.of("a", "b"),
                Map.of("test_accuracy", 0.875),
                new RegistryViews.Lineage("m", v, "m@v" + v, "run-" + v, v - 1, "c"),
                List.of(variants),
                "2026-01-02T03:04:05.678Z",
                "bob",
                v == 2 ? List.of("production") : List.of());
    }

    private static RegistryViews.Variant variant(String target, long size, double acc, double p50) {
        return new RegistryViews.Variant(
                "m-" + target,
                target,
                "onnx",
                size,
                Map.of("accuracy", acc, "latency_p50_us", p50, "accuracy_delta", -0.004),
                Map.of());
    }

    @Test
    void modelViewShowsNewestFirstAndTheChosenVersionsVariantsSideBySide() {
        var model = new RegistryViews.Model("m", 2, null, null, Map.of("production", 2));
        var versions = List.of(
                version(1), version(2, variant("cpu-int8", 1024, 0.86, 1500), variant("cpu-fp32", 4096, 0.875, 90)));
        var aliases = List.of(new RegistryViews.Alias("production", 2, "2026-01-02T03:04:05Z", "release-bot"));
        ModelView view = ModelView.of(model, versions, aliases, null);
        assertEquals(
                List.of(2, 1),
                view.versions().stream().map(ModelView.VersionRow::version).toList());
        assertEquals(2, view.selected().version());
        assertEquals("m@v2", view.versions().get(0).source());
        assertEquals(1, view.versions().get(0).parent());
        assertEquals("87.5 %", view.versions().get(0).accuracy());
        assertEquals("2026-01-02 03:04:05Z", view.versions().get(0).createdAt());
        assertEquals(
                List.of("cpu-fp32", "cpu-int8"),
                view.variants().stream().map(ModelView.VariantRow::target).toList());
        assertEquals("1.50 ms", view.variants().get(1).latencyP50());
        assertEquals("-0.4 pt", view.variants().get(1).accuracyDelta());
        assertEquals(3, view.charts().size());
        assertTrue(
                view.charts().get(0).json().contains("\"categories\":[\"cpu-fp32\",\"cpu-int8\"]"),
                view.charts().get(0).json());
        assertTrue(
                view.charts().get(2).json().contains("[87.5,86.0]"),
                view.charts().get(2).json());
        assertEquals(0, ModelView.of(model, versions, aliases, 1).variants().size());
        assertThrows(ApiException.class, () -> ModelView.of(model, versions, aliases, 9));
    }

    @Test
    void fleetViewJudgesHealthAndDescribesGates() {
        var caps = new FleetViews.Capabilities("arm64", 512, "onnxruntime", "1.29");
        var slot = new FleetViews.DeviceModel(
                "m",
                "ASSIGNED",
                new FleetViews.Desired("d", 3, "m-v3"),
                new FleetViews.Reported("ACTIVE", 2, "m-v2", null, null),
                false,
                null);
        var small = new FleetViews.DeviceModel(
                "s",
                "ASSIGNED",
                new FleetViews.Desired("d1", 1, "s-v1"),
                new FleetViews.Reported("ACTIVE", 1, "s-v1", null, null),
                true,
                new FleetViews.Incompatible(
                        "d2", 2, "no variant fits: the device's model memory budget of 1 MiB leaves 0.9 MiB", null));
        var devices = List.of(
                new FleetViews.Device(
                        "e1", Map.of("z", "a", "b", "c"), caps, null, null, true, false, List.of(slot), null),
                new FleetViews.Device("e2", Map.of(), caps, null, null, true, true, List.of(), "2026-01-01T00:00:00Z"),
                new FleetViews.Device("e3", Map.of(), null, null, null, false, true, List.of(small), null));
        var gate = new FleetViews.Gate("FAIL", List.of("error rate 0.2 > 0.05"), 2, 10, 0.2, 1200, null, null);
        var rollout = new FleetViews.Rollout(
                "r",
                "m",
                3,
                "ROLLED_BACK",
                "gate failed",
                "p",
                1,
                2,
                null,
                null,
                2,
                0,
                List.of(new FleetViews.Wave(1, "FAILED", List.of("e1"), gate)),
                List.of(
                        new FleetViews.HistoryEntry(
                                "2026-12-07T01:00:00Z", "created", null, null, "deployment-service"),
                        new FleetViews.HistoryEntry(
                                "2026-12-07T01:05:00Z", "rolled-back", 1, "gate failed", "deployment-service")));
        FleetView view = FleetView.of(devices, List.of(rollout));
        assertEquals(
                List.of(
                        "2026-12-07 01:00:00Z created by deployment-service",
                        "2026-12-07 01:05:00Z rolled-back (wave 1) by deployment-service: gate failed"),
                view.rollouts().get(0).timeline(),
                "the rollout's timeline");
        assertEquals("3 devices, 0 in sync, 1 rollouts", view.summary());
        assertEquals(
                List.of("syncing", "revoked", "offline"),
                view.devices().stream().map(FleetView.DeviceRow::health).toList());
        assertEquals("b=c, z=a", view.devices().get(0).labels());
        assertEquals(List.of("m v2 ACTIVE (wants v3)"), view.devices().get(0).serves());
        assertEquals(
                List.of("s v1 ACTIVE; v2 not sent: no variant fits: the device's model memory budget of 1 MiB leaves"
                        + " 0.9 MiB"),
                view.devices().get(2).serves(),
                "a rollout that found no variant for the device is named on its row");
        assertEquals(
                "FAIL: 10 inferences in 2 windows, error rate 20.0 %, p99 1.20 ms - error rate 0.2 > 0.05",
                view.rollouts().get(0).waves().get(0).gate());
    }

    @Test
    void driftViewNamesFeaturesAndChartsStatisticAgainstThreshold() {
        var f = new MonitoringViews.FeatureDrift(1, "ks", 0.31, 0.2, true, 0.31, 0.001, 0.4, 0, 1);
        var d = new MonitoringViews.Drift("m", 2, "m@v2", 100, 0.31, 0.2, true, "ks", 0.5, null, List.of(f), "e-1");
        DriftView view = DriftView.of(d, List.of("x", "y"));
        assertEquals("drift detected", view.verdict());
        assertEquals("y", view.features().get(0).feature());
        assertTrue(view.chart().json().contains("[0.31]") && view.chart().json().contains("[0.2]"));
        var none = new MonitoringViews.Drift("m", 2, null, 3, -1, 0.2, false, null, 0, "too few rows", List.of(), null);
        assertEquals("not computed", DriftView.of(none, List.of()).verdict());
    }

    @Test
    void runViewShadesTheConfusionMatrixByRow() {
        var m = new TrainingViews.Metrics(
                0.75, 0.7, 0.5, 4, List.of(new TrainingViews.ClassMetrics("a", 1, 0.5, 0.66, 2)), new long[][] {
                    {1, 1}, {0, 2}
                });
        var run = new TrainingViews.Run(
                "r1",
                "d",
                1,
                "api",
                "SUCCEEDED",
                null,
                10,
                4,
                3,
                0.2,
                m,
                m,
                "d",
                1,
                "mlp",
                10L,
                null,
                null,
                1.25,
                null,
                null,
                null,
                null);
        RunView view = RunView.of(run);
        assertEquals(List.of("a", "class 1"), view.labels());
        assertEquals(50, view.matrix().get(0).cells().get(0).shade());
        assertTrue(view.matrix().get(1).cells().get(1).diagonal());
        assertEquals("4 / 10", view.run().epochs());
        assertEquals("-", view.lastEpoch());
    }

    @Test
    void namesAndRedirectTargetsAreChecked() {
        assertEquals("team-a.v1_x", Names.model("team-a.v1_x"));
        assertThrows(ApiException.class, () -> Names.model("../x"));
        assertThrows(ApiException.class, () -> Names.model("a".repeat(129)));
        assertThrows(ApiException.class, () -> Names.version("0"));
        assertThrows(ApiException.class, () -> Names.version("1.5"));
        assertEquals(3, Names.version("3"));
        assertEquals("/fleet", LoginPage.safeNext("/fleet"));
        assertEquals("/", LoginPage.safeNext("//evil.example"));
        assertEquals("/", LoginPage.safeNext("https://evil.example"));
        assertEquals("/", LoginPage.safeNext("/x\"><script>"));
        assertEquals("12.0 KB", Fmt.bytes(12288));
        assertEquals("-", Fmt.percent(null));
    }
}
