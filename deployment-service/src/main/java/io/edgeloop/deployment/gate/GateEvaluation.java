package io.edgeloop.deployment.gate;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The gate rule applied to telemetry windows (pure; no I/O). Counts the windows of the wave's devices on the new
 * version that end after the wave started, then:
 *
 * <ul>
 *   <li>FAIL when error_count / (inference_count + error_count) &gt; max-error-rate (a model whose every inference
 *       fails has rate 1); client_error_count (the caller's bad input) is reported but never trips the gate;
 *   <li>FAIL when the worst window latency p99 &gt; max-latency-p99-us;
 *   <li>FAIL when the total variation distance between the predicted-class distribution on the new version and the
 *       same devices' distribution on their previous version &gt; max-prediction-shift (only when both exist);
 *   <li>no window at all: WAIT (then FAIL after the gate timeout) unless on-no-telemetry is {@code pass};
 *   <li>else WAIT while fewer than min-inferences inferences were observed;
 *   <li>else PASS.
 * </ul>
 */
public final class GateEvaluation {
    private GateEvaluation() {}

    public static GateVerdict evaluate(GateRequest request, Map<String, List<TelemetryWindow>> windowsByDevice) {
        GateRequest.Thresholds t = request.thresholds();
        int windows = 0;
        long inferences = 0;
        long errors = 0;
        long clientErrors = 0;
        double p99 = 0;
        Map<String, Long> observed = new HashMap<>();
        Map<String, Long> baseline = new HashMap<>();
        Set<String> silent = new HashSet<>();
        Instant since = request.since();
        for (GateRequest.GateDevice device : request.devices()) {
            boolean any = false;
            for (TelemetryWindow w : windowsByDevice.getOrDefault(device.deviceId(), List.of())) {
                if (!request.modelName().equals(w.getModelName())) {
                    continue;
                }
                if (w.getModelVersion() == request.modelVersion()) {
                    if (since != null && w.hasWindowEnd() && end(w).isBefore(since)) {
                        continue; // an earlier deployment of the same version
                    }
                    any = true;
                    windows++;
                    inferences += w.getInferenceCount();
                    errors += w.getErrorCount();
                    clientErrors += w.getClientErrorCount();
                    if (w.getInferenceCount() > 0) {
                        p99 = Math.max(p99, w.getLatencyP99Us());
                    }
                    w.getPredictedClassCountsMap().forEach((k, v) -> observed.merge(k, v, Long::sum));
                } else if (device.previousVersion() > 0 && w.getModelVersion() == device.previousVersion()) {
                    w.getPredictedClassCountsMap().forEach((k, v) -> baseline.merge(k, v, Long::sum));
                }
            }
            if (!any) {
                silent.add(device.deviceId());
            }
        }
        long served = inferences + errors;
        double errorRate = served == 0 ? 0 : (double) errors / served;
        Double shift = totalVariation(observed, baseline);
        GateVerdict.Metrics m =
                new GateVerdict.Metrics(windows, inferences, errors, clientErrors, errorRate, p99, shift);

        List<String> failures = new ArrayList<>();
        if (served > 0 && errorRate > t.maxErrorRate()) {
            failures.add(String.format(
                    Locale.ROOT,
                    "error rate %.4f > max %.4f (%d errors, %d inferences)",
                    errorRate,
                    t.maxErrorRate(),
                    errors,
                    inferences));
        }
        if (p99 > t.maxLatencyP99Us()) {
            failures.add(String.format(Locale.ROOT, "latency p99 %.0f us > max %.0f us", p99, t.maxLatencyP99Us()));
        }
        if (shift != null && shift > t.maxPredictionShift()) {
            failures.add(String.format(
                    Locale.ROOT,
                    "prediction distribution shift %.3f > max %.3f (new %s vs previous %s)",
                    shift,
                    t.maxPredictionShift(),
                    observed,
                    baseline));
        }
        if (!failures.isEmpty()) {
            return GateVerdict.fail(failures, m);
        }
        if (windows == 0) {
            if (t.passWithoutTelemetry()) {
                return GateVerdict.pass(
                        List.of("no telemetry on v" + request.modelVersion()
                                + " yet; passed on the devices' ACTIVE reports (on-no-telemetry=pass)"),
                        m);
            }
            return GateVerdict.waitFor(
                    List.of("no telemetry on v" + request.modelVersion() + " from any device of the wave yet"), m);
        }
        if (inferences < t.minInferences()) {
            return GateVerdict.waitFor(
                    List.of(inferences + " inferences observed on v" + request.modelVersion() + ", min-inferences is "
                            + t.minInferences()),
                    m);
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(
                Locale.ROOT,
                "healthy: error rate %.4f, latency p99 %.0f us, %s over %d window(s)%s",
                errorRate,
                p99,
                shift == null ? "no prediction baseline" : String.format(Locale.ROOT, "shift %.3f", shift),
                windows,
                clientErrors > 0 ? "; " + clientErrors + " client input error(s) not counted" : ""));
        if (!silent.isEmpty()) {
            notes.add("no telemetry yet from " + silent.stream().sorted().toList());
        }
        return GateVerdict.pass(notes, m);
    }

    private static Instant end(TelemetryWindow w) {
        return ProtoTime.toInstant(w.getWindowEnd());
    }

    /** Total variation distance of two count distributions, null when either is empty. */
    static Double totalVariation(Map<String, Long> a, Map<String, Long> b) {
        long ta = a.values().stream().mapToLong(Long::longValue).sum();
        long tb = b.values().stream().mapToLong(Long::longValue).sum();
        if (ta <= 0 || tb <= 0) {
            return null;
        }
        Set<String> keys = new HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        double sum = 0;
        for (String k : keys) {
            sum += Math.abs(a.getOrDefault(k, 0L) / (double) ta - b.getOrDefault(k, 0L) / (double) tb);
        }
        return sum / 2;
    }
}
