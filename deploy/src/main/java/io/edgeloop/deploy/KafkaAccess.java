package io.edgeloop.deploy;

import io.edgeloop.common.Topics;
import java.util.List;
import java.util.Map;

/**
 * Which events each service may publish and read: the Kafka ACLs of the stack. A service writes only its own
 * events (and the dead-letter topics of what it consumes) and reads only what it consumes (and those dead-letter
 * topics, to list and replay them), in consumer groups named after it.
 */
final class KafkaAccess {
    /** What one service may do on Kafka. */
    record Grant(List<String> produces, List<String> consumes) {}

    static final Map<String, Grant> SERVICES = Map.of(
            "data-service",
                    grant(
                            List.of(Topics.DATA_READY),
                            List.of(Topics.DRIFT_DETECTED, Topics.SAMPLE_LABELLED, Topics.SAMPLE_CAPTURED)),
            "training-service", grant(List.of(Topics.MODEL_TRAINED), List.of(Topics.DATA_READY)),
            "compiler-service", grant(List.of(Topics.MODEL_OPTIMIZED), List.of(Topics.MODEL_TRAINED, Topics.DEPLOYED)),
            "registry-service", grant(List.of(), List.of(Topics.DEPLOYED, Topics.MODEL_TRAINED)),
            "deployment-service", grant(List.of(Topics.DEPLOYED), List.of(Topics.MODEL_OPTIMIZED)),
            "monitoring-service",
                    grant(
                            List.of(Topics.DRIFT_DETECTED, Topics.SAMPLE_LABELLED, Topics.SAMPLE_CAPTURED),
                            List.of(Topics.DATA_READY, Topics.DEPLOYED)));

    /** The read-only user of the launcher's event watcher (the demo's event log). */
    static final String WATCHER = "edgeloop-watcher";

    /** The web console's Kafka user: it reads every event topic (the overview's live stream), writes nothing. */
    static final String CONSOLE = "console";

    /** The read-only users of the deployments (kafka-init.sh grants them too): the console. */
    static final Map<String, Grant> READERS = Map.of(CONSOLE, new Grant(List.of(), Topics.ALL));

    private KafkaAccess() {}

    private static Grant grant(List<String> own, List<String> consumes) {
        List<String> produces = new java.util.ArrayList<>(own);
        List<String> reads = new java.util.ArrayList<>(consumes);
        consumes.forEach(t -> produces.add(Topics.deadLetter(t)));
        consumes.forEach(t -> reads.add(Topics.deadLetter(t)));
        return new Grant(List.copyOf(produces), List.copyOf(reads));
    }
}
