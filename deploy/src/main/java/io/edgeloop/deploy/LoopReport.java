package io.edgeloop.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one run of the loop produced: two model versions (the second trained after drift), where they run, how they
 * perform, and the traces that tie each iteration together.
 *
 * @param versions registered model versions, oldest first
 * @param devices device id -> model version it serves at the end
 * @param liveAccuracyBefore accuracy of the first model on drifted sensor data, measured through the agents
 * @param liveAccuracyAfter accuracy of the retrained model on the same drifted data, through the agents
 * @param driftScore the drift score that triggered retraining
 * @param driftFeatures names of the features whose KS statistic exceeded the threshold
 * @param iterations per loop iteration: trace id and the services that reported spans in it
 * @param deployedEvents Deployed events seen on the topic
 * @param driftEvents DriftDetected events seen on the topic
 * @param driftOutcomes per DriftDetected event: what it led to
 * @param labelQueue active learning: the inputs the agents' models were unsure of, queued for labelling
 * @param seconds wall time of the whole loop
 */
public record LoopReport(
        List<Version> versions,
        Map<String, Integer> devices,
        double liveAccuracyBefore,
        double liveAccuracyAfter,
        double driftScore,
        List<String> driftFeatures,
        List<Iteration> iterations,
        int deployedEvents,
        int driftEvents,
        List<String> driftOutcomes,
        LabelQueue labelQueue,
        double seconds) {

    /** A registered model version with its lineage and figures. */
    public record Version(
            int version,
            String snapshotId,
            int parentVersion,
            String trainingRunId,
            double testAccuracy,
            double testMacroF1,
            List<String> variants,
            String artifactSha256) {}

    /**
     * The data set's labelling queue at the end (active learning: captured inputs pre-labelled by the model that
     * served them).
     *
     * @param captured unlabeled samples with a suggested label in the first page of the queue
     * @param more whether the queue has further pages
     * @param leastConfidence the lowest suggestion confidence among them (NaN when none)
     * @param suggestedBy model versions that suggested their labels, e.g. {@code v1}
     * @param devices the devices they were captured on
     * @param rescored how many of them a later production version re-scored (compiler-service, after a rollout
     *     completed), and {@code rescoredBy} those versions, e.g. {@code v2}
     * @param rescoredCaptures what the re-scored ones were captured by, e.g. {@code v1}
     */
    public record LabelQueue(
            int captured,
            boolean more,
            double leastConfidence,
            Set<String> suggestedBy,
            Set<String> devices,
            int rescored,
            Set<String> rescoredBy,
            Set<String> rescoredCaptures) {}

    /** One loop iteration: what started it, its trace, and the services seen in that trace. */
    public record Iteration(String trigger, String correlationId, String traceId, Set<String> tracedServices) {}
}
