package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Monitoring's series per model: counts add up over windows, gauges keep the newest value, nothing per device. */
class MonitoringMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MonitoringMetrics metrics = new MonitoringMetrics();

    MonitoringMetricsTest() {
        metrics.registry = registry;
    }

    private static TelemetryWindow window(
            String device, String source, long n, long errors, long clientErrors, double p50, double p99) {
        return TelemetryWindow.newBuilder()
                .setModelName("motion")
                .setDeviceId(device)
                .setSource(source)
                .setInferenceCount(n)
                .setErrorCount(errors)
                .setClientErrorCount(clientErrors)
                .setLatencyP50Us(p50)
                .setLatencyP99Us(p99)
                .build();
    }

    @Test
    void windowsAddUpPerModelAndSourceAndTheNewestLatencyWins() {
        metrics.windows(List.of(
                window("edge-1", "", 10, 1, 2, 100, 400),
                window("edge-2", "live", 5, 0, 1, 200, 900),
                window("edge-2", "simulator", 7, 0, 0, 50, 60)));
        assertEquals(
                15,
                registry.get("edgeloop.agent.inferences")
                        .tags("model", "motion", "source", "live")
                        .counter()
                        .count());
        assertEquals(
                7,
                registry.get("edgeloop.agent.inferences")
                        .tags("source", "simulator")
                        .counter()
                        .count());
        assertEquals(
                1,
                registry.get("edgeloop.agent.inference.errors")
                        .tags("kind", "model")
                        .counter()
                        .count());
        assertEquals(
                3,
                registry.get("edgeloop.agent.inference.errors")
                        .tags("kind", "client")
                        .counter()
                        .count());
        assertEquals(
                60e-6,
                registry.get("edgeloop.agent.inference.latency.p99")
                        .tags("model", "motion")
                        .gauge()
                        .value(),
                1e-12);
        assertNull(
                registry.find("edgeloop.agent.inferences")
                        .tag("device", "edge-1")
                        .counter(),
                "no device label");
    }

    @Test
    void driftGaugesFollowTheNewestComputedReport() {
        metrics.drift("motion", DriftReport.notComputed(0, "no reference"));
        assertNull(registry.find("edgeloop.drift.score").gauge(), "nothing computed: no series yet");
        metrics.drift("motion", report(0.41, 0.3));
        metrics.drift("motion", report(0.12, 0.3));
        metrics.drift("motion", DriftReport.notComputed(3, "too few rows"));
        assertEquals(
                0.12,
                registry.get("edgeloop.drift.score")
                        .tags("model", "motion")
                        .gauge()
                        .value(),
                1e-12);
        assertEquals(
                0.3,
                registry.get("edgeloop.drift.threshold")
                        .tags("model", "motion")
                        .gauge()
                        .value(),
                1e-12);
    }

    private static DriftReport report(double score, double threshold) {
        return new DriftReport(100, score, score > threshold, List.of(), "ks-max", threshold, 0, null, null);
    }
}
