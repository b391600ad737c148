package io.edgeloop.deployment.gate;

import java.util.List;

/**
 * A gate's decision with its reasons and the figures it was based on.
 *
 * @param reasons human-readable reasons (why it failed, or what it passed on)
 */
public record GateVerdict(Outcome outcome, List<String> reasons, Metrics metrics) {
    public GateVerdict {
        reasons = List.copyOf(reasons);
    }

    /** PASS widens the rollout, FAIL rolls it back, WAIT re-evaluates later (until the gate timeout). */
    public enum Outcome {
        PASS,
        FAIL,
        WAIT
    }

    /**
     * Telemetry of the wave on the new version.
     *
     * @param windows telemetry windows counted
     * @param errors model/runtime failures
     * @param clientErrors failures caused by the caller's input (reported, never gated)
     * @param errorRate errors / (inferences + errors), 0 without traffic
     * @param latencyP99Us worst window p99, 0 without windows
     * @param predictionShift total variation distance to the baseline, null when not computable
     */
    public record Metrics(
            int windows,
            long inferences,
            long errors,
            long clientErrors,
            double errorRate,
            double latencyP99Us,
            Double predictionShift) {
        /** No telemetry at all. */
        public static final Metrics NONE = new Metrics(0, 0, 0, 0, 0, 0, null);
    }

    public static GateVerdict pass(List<String> reasons, Metrics m) {
        return new GateVerdict(Outcome.PASS, reasons, m);
    }

    public static GateVerdict fail(List<String> reasons, Metrics m) {
        return new GateVerdict(Outcome.FAIL, reasons, m);
    }

    public static GateVerdict waitFor(List<String> reasons, Metrics m) {
        return new GateVerdict(Outcome.WAIT, reasons, m);
    }
}
