package io.edgeloop.agent.domain;

import io.edgeloop.common.sketch.FeatureSketches;

/**
 * How a telemetry window summarizes the inputs the model saw, for monitoring's drift tests. By default the device
 * sends one mergeable quantile sketch per feature over every input of the window ({@link Mode#SKETCH}) and no raw
 * input leaves it; a uniform sample of raw input rows is an opt-in ({@link Mode#SAMPLE} or {@link Mode#BOTH}).
 *
 * @param mode what is sent
 * @param sketchK the sketches' accuracy parameter (about 1.3% rank error at 200)
 * @param reservoirSize raw input rows sampled per window with {@link Mode#SAMPLE} or {@link Mode#BOTH}
 */
public record InputSummary(Mode mode, int sketchK, int reservoirSize) {
    /** Largest reservoir of raw rows per window. */
    public static final int MAX_RESERVOIR = 4096;

    /** What a window carries about its inputs. */
    public enum Mode {
        /** Per-feature KLL sketches of all inputs; no raw input leaves the device. */
        SKETCH,
        /** A uniform sample of raw input rows (the behaviour of agents before sketches). */
        SAMPLE,
        /** Both. */
        BOTH
    }

    public InputSummary {
        if (mode == null) {
            throw new IllegalArgumentException("telemetry inputs must be sketch, sample or both");
        }
        if (sketches()) {
            FeatureSketches.checkK(sketchK);
        }
        if (reservoirSize < 0 || reservoirSize > MAX_RESERVOIR) {
            throw new IllegalArgumentException(
                    "reservoir-size must be 0 to " + MAX_RESERVOIR + ", was " + reservoirSize);
        }
    }

    /** Only a raw sample of {@code reservoirSize} rows (no sketches). */
    public static InputSummary sample(int reservoirSize) {
        return new InputSummary(Mode.SAMPLE, FeatureSketches.DEFAULT_K, reservoirSize);
    }

    /** Only sketches with accuracy {@code k}. */
    public static InputSummary sketch(int k) {
        return new InputSummary(Mode.SKETCH, k, 0);
    }

    /** Whether windows carry sketches. */
    public boolean sketches() {
        return mode != Mode.SAMPLE;
    }

    /** Raw rows sampled per window (0 with {@link Mode#SKETCH}). */
    public int sampledRows() {
        return mode == Mode.SKETCH ? 0 : reservoirSize;
    }
}
