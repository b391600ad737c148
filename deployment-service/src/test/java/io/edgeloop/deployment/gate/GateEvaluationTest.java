package io.edgeloop.deployment.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateEvaluationTest {
    private static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");

    private static GateRequest request(long minInferences) {
        return request(minInferences, false);
    }

    private static GateRequest request(long minInferences, boolean passWithoutTelemetry) {
        return new GateRequest(
                "r",
                "m",
                2,
                1,
                List.of(new GateRequest.GateDevice("a", 1), new GateRequest.GateDevice("b", 1)),
                SINCE,
                new GateRequest.Thresholds(0.05, 1000, 0.3, minInferences, passWithoutTelemetry));
    }

    private static TelemetryWindow w(int version, long n, long errors, double p99, Map<String, Long> classes) {
        return w(version, n, errors, p99, classes, SINCE.plusSeconds(1));
    }

    private static TelemetryWindow w(
            int version, long n, long errors, double p99, Map<String, Long> classes, Instant end) {
        return w("m", version, n, errors, 0, p99, classes, end);
    }

    private static TelemetryWindow w(
            String model,
            int version,
            long n,
            long errors,
            long clientErrors,
            double p99,
            Map<String, Long> classes,
            Instant end) {
        return TelemetryWindow.newBuilder()
                .setWindowId("id")
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId("v")
                .setWindowStart(ts(end.minusSeconds(1)))
                .setWindowEnd(ts(end))
                .setInferenceCount(n)
                .setErrorCount(errors)
                .setClientErrorCount(clientErrors)
                .setLatencyP99Us(p99)
                .putAllPredictedClassCounts(classes)
                .build();
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }

    @Test
    void healthyWavePasses() {
        var v = GateEvaluation.evaluate(
                request(0),
                Map.of(
                        "a",
                                List.of(
                                        w(2, 100, 1, 500, Map.of("ok", 90L, "bad", 10L)),
                                        w(1, 100, 0, 400, Map.of("ok", 88L, "bad", 12L))),
                        "b", List.of(w(2, 100, 0, 700, Map.of("ok", 100L)))));
        assertEquals(GateVerdict.Outcome.PASS, v.outcome(), v.reasons().toString());
        assertEquals(200, v.metrics().inferences());
        assertEquals(1, v.metrics().errors());
        assertEquals(700, v.metrics().latencyP99Us());
        assertEquals(1.0 / 201, v.metrics().errorRate(), 1e-12);
        // new: ok 190/200 bad 10/200, baseline: ok 88/100 bad 12/100 -> |0.95-0.88| = 0.07
        assertEquals(0.07, v.metrics().predictionShift(), 1e-9);
    }

    @Test
    void errorRateLatencyAndShiftFailTheGate() {
        var errors = GateEvaluation.evaluate(request(0), Map.of("a", List.of(w(2, 60, 40, 10, Map.of()))));
        assertEquals(GateVerdict.Outcome.FAIL, errors.outcome());
        assertTrue(
                errors.reasons().get(0).startsWith("error rate 0.4000 > max 0.0500"),
                errors.reasons().toString());

        var slow = GateEvaluation.evaluate(request(0), Map.of("a", List.of(w(2, 60, 0, 5000, Map.of()))));
        assertEquals(GateVerdict.Outcome.FAIL, slow.outcome());
        assertTrue(slow.reasons().get(0).contains("latency p99 5000 us > max 1000 us"));

        var shifted = GateEvaluation.evaluate(
                request(0),
                Map.of("a", List.of(w(2, 50, 0, 10, Map.of("fault", 50L)), w(1, 50, 0, 10, Map.of("ok", 50L)))));
        assertEquals(GateVerdict.Outcome.FAIL, shifted.outcome());
        assertEquals(1.0, shifted.metrics().predictionShift(), 1e-12);
        assertTrue(shifted.reasons().get(0).startsWith("prediction distribution shift 1.000 > max 0.300"));
    }

    @Test
    void noTelemetryWaitsUnlessConfiguredToPass() {
        var none = GateEvaluation.evaluate(request(0), Map.of());
        assertEquals(GateVerdict.Outcome.WAIT, none.outcome(), "fail-safe default: hold, fail after gate-timeout");
        assertTrue(none.reasons().get(0).contains("no telemetry"));
        assertNull(none.metrics().predictionShift());

        var passing = GateEvaluation.evaluate(request(0, true), Map.of());
        assertEquals(GateVerdict.Outcome.PASS, passing.outcome());
        assertTrue(passing.reasons().get(0).contains("on-no-telemetry=pass"));

        var waiting = GateEvaluation.evaluate(request(100), Map.of("a", List.of(w(2, 10, 0, 10, Map.of()))));
        assertEquals(GateVerdict.Outcome.WAIT, waiting.outcome());
        assertTrue(waiting.reasons().get(0).contains("min-inferences is 100"));
    }

    @Test
    void aModelWhoseEveryInferenceFailsFails() {
        var v = GateEvaluation.evaluate(request(0), Map.of("a", List.of(w(2, 0, 25, 0, Map.of()))));
        assertEquals(GateVerdict.Outcome.FAIL, v.outcome(), v.reasons().toString());
        assertEquals(1.0, v.metrics().errorRate(), 1e-12);
        assertTrue(
                v.reasons().get(0).startsWith("error rate 1.0000 > max 0.0500"),
                v.reasons().toString());
    }

    @Test
    void clientErrorsAreReportedButNeverTripTheGate() {
        var v = GateEvaluation.evaluate(
                request(0), Map.of("a", List.of(w("m", 2, 10, 0, 90, 10, Map.of(), SINCE.plusSeconds(1)))));
        assertEquals(GateVerdict.Outcome.PASS, v.outcome(), v.reasons().toString());
        assertEquals(90, v.metrics().clientErrors());
        assertEquals(0, v.metrics().errorRate(), 1e-12);
        assertTrue(
                v.reasons().get(0).contains("90 client input error(s) not counted"),
                v.reasons().toString());
    }

    @Test
    void windowsOfOtherModelsVersionsOrEarlierDeploymentsAreIgnored() {
        var v = GateEvaluation.evaluate(
                request(0, true),
                Map.of(
                        "a",
                        List.of(
                                w(2, 10, 10, 10, Map.of(), SINCE.minusSeconds(60)), // before this wave started
                                w(3, 10, 10, 10, Map.of()),
                                w("other", 2, 10, 10, 0, 10, Map.of(), SINCE.plusSeconds(1)))));
        assertEquals(GateVerdict.Outcome.PASS, v.outcome(), v.reasons().toString());
        assertEquals(0, v.metrics().windows());
    }
}
