package io.edgeloop.agent.domain;

/**
 * Which inputs of itemized inferences travel with their telemetry records, so that ground truth fed back later can
 * become a labelled sample of the model's dataset (monitoring publishes it as {@code SampleLabelled}). Inputs leave the
 * device only under this policy: the default captures the uncertain inferences (the ones worth labelling: active
 * learning), small inputs only.
 *
 * @param mode which inferences
 * @param belowConfidence with {@link Mode#BELOW_CONFIDENCE}: inferences whose confidence is below this
 * @param maxValues inputs with more values (flattened) are not captured
 */
public record InputCapture(Mode mode, double belowConfidence, int maxValues) {
    /** Largest input the agent ever captures (the event contract's limit). */
    public static final int MAX_VALUES = 16384;

    /** Nothing captured. */
    public static final InputCapture NONE = new InputCapture(Mode.NONE, 0, 0);

    /** Which inferences' inputs are captured. */
    public enum Mode {
        /** None: inputs never leave the device with inference records. */
        NONE,
        /** Those the model was unsure of (confidence below the threshold). */
        BELOW_CONFIDENCE,
        /** Every itemized inference. */
        ALL
    }

    public InputCapture {
        if (mode == null) {
            throw new IllegalArgumentException("capture-inputs must be none, below-confidence or all");
        }
        if (mode != Mode.NONE && (maxValues < 1 || maxValues > MAX_VALUES)) {
            throw new IllegalArgumentException("capture-max-values must be 1 to " + MAX_VALUES + ", was " + maxValues);
        }
        if (mode == Mode.BELOW_CONFIDENCE && !(belowConfidence > 0 && belowConfidence <= 1)) {
            throw new IllegalArgumentException("capture-below-confidence must be in (0, 1], was " + belowConfidence);
        }
    }

    /** Whether the input of an inference with {@code confidence} and {@code values} input values is captured. */
    public boolean captures(float confidence, int values) {
        return switch (mode) {
            case NONE -> false;
            case ALL -> values <= maxValues;
            case BELOW_CONFIDENCE -> values <= maxValues && confidence < belowConfidence;
        };
    }
}
