package io.edgeloop.common;

import java.util.List;

/**
 * Kafka topic names of the loop. Each is also the name of the messaging channel that reads or writes it, so code
 * and tests share one constant. Dead letters of a consumer channel go to {@code <topic>-dlq}.
 */
public final class Topics {
    public static final String DATA_READY = "data-ready";
    public static final String MODEL_TRAINED = "model-trained";
    public static final String MODEL_OPTIMIZED = "model-optimized";
    public static final String DEPLOYED = "deployed";
    public static final String DRIFT_DETECTED = "drift-detected";
    /** Ground truth for a captured device input: a labelled sample for the model's dataset. */
    public static final String SAMPLE_LABELLED = "sample-labelled";
    /** An input the served model was unsure of (active learning): an unlabeled sample with a suggested label. */
    public static final String SAMPLE_CAPTURED = "sample-captured";

    /** Every event topic, in loop order (then the side flows of labelled feedback and captured inputs). */
    public static final List<String> ALL = List.of(
            DATA_READY, MODEL_TRAINED, MODEL_OPTIMIZED, DEPLOYED, DRIFT_DETECTED, SAMPLE_LABELLED, SAMPLE_CAPTURED);

    private Topics() {}

    /** Dead-letter topic for poison records of {@code topic}. */
    public static String deadLetter(String topic) {
        return topic + "-dlq";
    }
}
