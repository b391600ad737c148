package io.edgeloop.agent.domain;

import java.util.function.DoubleSupplier;

/**
 * Which inputs of itemized inferences travel with their telemetry records, so that ground truth fed back later can
 * become a labelled sample of the model's dataset (monitoring publishes it as {@code SampleLabelled}) and, where
 * monitoring's active learning is on, an unlabeled sample pre-labelled with the prediction ({@code SampleCaptured}).
 * Inputs leave the device only under this policy: the default captures the uncertain inferences (the ones worth
 * labelling), small inputs only. Within that, a random share ({@code sampleRate}) is captured, and at most
 * {@code maxPerWindow} per telemetry window (the upload budget).
 *
 * @param mode which inferences
 * @param belowConfidence with {@link Mode#BELOW_CONFIDENCE}: inferences whose confidence is below this
 * @param maxValues inputs with more values (flattened) are not captured
 * @param sampleRate the share of eligible inferences whose input is captured, [0, 1] (1: all of them)
 * @param maxPerWindow inputs captured per telemetry window at most, 0 to {@link #MAX_PER_WINDOW}; later eligible
 *     inferences of the window are itemized without their input
 */
public record InputCapture(Mode mode, double belowConfidence, int maxValues, double sampleRate, int maxPerWindow) {
    /** Largest input the agent ever captures (the event contract's limit). */
    public static final int MAX_VALUES = 16384;

    /** Largest per-window budget (the most inference records a window may itemize). */
    public static final int MAX_PER_WINDOW = 10000;

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
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("capture-sample-rate must be in [0, 1], was " + sampleRate);
        }
        if (maxPerWindow < 0 || maxPerWindow > MAX_PER_WINDOW) {
            throw new IllegalArgumentException(
                    "capture-max-per-window must be 0 to " + MAX_PER_WINDOW + ", was " + maxPerWindow);
        }
    }

    /** Every eligible inference captured, up to {@link #MAX_PER_WINDOW} per window (no sampling, no tighter budget). */
    public InputCapture(Mode mode, double belowConfidence, int maxValues) {
        this(mode, belowConfidence, maxValues, 1.0, MAX_PER_WINDOW);
    }

    /**
     * Whether the input of an inference with {@code confidence} and {@code values} input values is eligible (mode,
     * threshold and size; no sampling, no budget).
     */
    public boolean captures(float confidence, int values) {
        return switch (mode) {
            case NONE -> false;
            case ALL -> values <= maxValues;
            case BELOW_CONFIDENCE -> values <= maxValues && confidence < belowConfidence;
        };
    }

    /**
     * Whether the input of an inference is captured: eligible ({@link #captures(float, int)}), within the window's
     * budget ({@code capturedInWindow} inputs captured in its window so far) and drawn by the sample rate ({@code
     * uniform} gives a uniform draw in [0, 1); it is only asked for eligible inferences within the budget).
     */
    public boolean captures(float confidence, int values, int capturedInWindow, DoubleSupplier uniform) {
        if (!captures(confidence, values) || capturedInWindow >= maxPerWindow) {
            return false;
        }
        return sampleRate >= 1 || (sampleRate > 0 && uniform.getAsDouble() < sampleRate);
    }
}
