package io.edgeloop.deploy;

import java.util.Map;

/** Renders a {@link LoopReport} as the demo's closing summary. */
final class Summary {
    private Summary() {}

    static String render(LoopReport r, LocalStack stack) {
        StringBuilder s = new StringBuilder();
        s.append("================ EdgeLoop demo summary ================\n");
        s.append(String.format("loop completed in %.1f s%n%n", r.seconds()));
        s.append("model versions (registry):\n");
        for (LoopReport.Version v : r.versions()) {
            s.append(String.format(
                    "  v%d  from %-14s parent v%d  test accuracy %.3f  macro F1 %.3f  variants %s%n",
                    v.version(), v.snapshotId(), v.parentVersion(), v.testAccuracy(), v.testMacroF1(), v.variants()));
        }
        s.append(String.format(
                "%non remounted-sensor data, measured through the agents: v%d %.3f -> v%d %.3f%n",
                r.versions().get(0).version(),
                r.liveAccuracyBefore(),
                r.versions().get(r.versions().size() - 1).version(),
                r.liveAccuracyAfter()));
        s.append(String.format(
                "drift score %.3f (max per-feature KS), drifted features %s%n", r.driftScore(), r.driftFeatures()));
        s.append("\ndevices:\n");
        for (Map.Entry<String, Integer> d : r.devices().entrySet()) {
            s.append(String.format("  %s serves v%d%n", d.getKey(), d.getValue()));
        }
        s.append(String.format("%nevents: %d Deployed, %d DriftDetected%n", r.deployedEvents(), r.driftEvents()));
        for (String outcome : r.driftOutcomes()) {
            s.append("  ").append(outcome).append('\n');
        }
        LoopReport.LabelQueue q = r.labelQueue();
        if (q.captured() > 0) {
            s.append(String.format(
                    "%nactive learning: %s%d inputs the served models were unsure of are queued for labelling, pre-labelled"
                            + " by %s (least confidence %.2f) from %s%n  edgeloop datasets queue %s, confirm with edgeloop"
                            + " datasets confirm (GET %s/datasets/%s/queue, POST .../labels/confirm)%n",
                    q.more() ? "at least " : "",
                    q.captured(),
                    q.suggestedBy(),
                    q.leastConfidence(),
                    q.devices(),
                    LoopDriver.DATASET,
                    stack.url("data-service"),
                    LoopDriver.DATASET));
            if (q.rescored() > 0) {
                s.append(String.format(
                        "  %d of them, captured by %s, were re-scored by the new production version %s%n",
                        q.rescored(), q.rescoredCaptures(), q.rescoredBy()));
            }
        } else {
            s.append("\nactive learning: no captured input queued for labelling\n");
        }
        s.append("\ntraces (one per loop iteration):\n");
        for (LoopReport.Iteration it : r.iterations()) {
            s.append(String.format(
                    "  %-16s trace %s  correlation %s%n      services in trace: %s%n",
                    it.trigger(), it.traceId(), it.correlationId(), it.tracedServices()));
        }
        if (stack.zipkinUrl() != null && !r.iterations().isEmpty()) {
            s.append("  open ")
                    .append(stack.zipkinUrl())
                    .append("/zipkin/traces/")
                    .append(r.iterations().get(0).traceId())
                    .append(" (with --keep-running)\n");
        }
        s.append("=======================================================");
        return s.toString();
    }
}
