package io.edgeloop.common;

import java.util.List;
import java.util.Random;

/**
 * Deterministic simulator of a vibration sensor on a rotating machine: each reading is an 8-feature summary of a
 * window (RMS per axis, peak, kurtosis, crest factor, dominant frequency, temperature) whose distribution depends on
 * the machine's condition (the class). {@link Drift} models a sensor that was remounted or recalibrated: gains and
 * offsets that move the inputs away from the training data, so a model trained before the change loses accuracy.
 *
 * <p>Not thread-safe; use one instance per thread.
 */
public final class SensorSimulator {
    /** Class labels in index order. */
    public static final List<String> LABELS = List.of("normal", "imbalance", "misalignment", "bearing-fault");

    /** Feature names in index order. */
    public static final List<String> FEATURES =
            List.of("rms_x", "rms_y", "rms_z", "peak", "kurtosis", "crest_factor", "dominant_hz", "temperature_c");

    private static final double[][] CENTROIDS = {
        {0.30, 0.28, 0.20, 0.90, 3.0, 3.0, 25.0, 40.0}, // normal
        {0.75, 0.70, 0.25, 1.90, 3.2, 2.6, 25.0, 45.0}, // imbalance: strong radial vibration at 1x speed
        {0.50, 0.45, 0.65, 1.60, 3.4, 2.9, 50.0, 48.0}, // misalignment: axial vibration at 2x speed
        {0.45, 0.42, 0.35, 2.60, 6.5, 5.5, 160.0, 55.0}, // bearing fault: impulsive, high frequency, hot
    };
    private static final double[] SPREAD = {0.12, 0.12, 0.12, 0.45, 0.9, 0.7, 18.0, 5.0};

    /** A labelled reading. */
    public record Reading(float[] features, int labelIndex) {
        public String label() {
            return LABELS.get(labelIndex);
        }
    }

    /**
     * Sensor change applied to every reading: {@code x' = x * gain + offset}, per feature.
     *
     * @param gain per-feature multiplier (length 8)
     * @param offset per-feature additive shift (length 8)
     */
    public record Drift(double[] gain, double[] offset) {
        /** No change. */
        public static final Drift NONE =
                new Drift(new double[] {1, 1, 1, 1, 1, 1, 1, 1}, new double[] {0, 0, 0, 0, 0, 0, 0, 0});

        /**
         * The sensor was remounted with a stiffer bracket and its thermistor recalibrated: vibration amplitudes read
         * about 1.8x and temperatures 18 degrees higher. Strong enough to fool a model trained before the change.
         */
        public static final Drift REMOUNTED =
                new Drift(new double[] {1.8, 1.8, 1.8, 1.8, 1, 1, 1, 1}, new double[] {0, 0, 0, 0, 0, 0, 0, 18});

        public Drift {
            if (gain.length != FEATURES.size() || offset.length != FEATURES.size()) {
                throw new IllegalArgumentException("drift needs " + FEATURES.size() + " gains and offsets");
            }
        }

        /** A named drift: {@code none} or {@code remounted}. */
        public static Drift named(String name) {
            return switch (name) {
                case "none" -> NONE;
                case "remounted" -> REMOUNTED;
                default -> throw new IllegalArgumentException("unknown drift '" + name + "' (none, remounted)");
            };
        }
    }

    private final Random random;
    private Drift drift = Drift.NONE;

    public SensorSimulator(long seed) {
        this.random = new Random(seed);
    }

    /** Sets the sensor change applied to subsequent readings. */
    public SensorSimulator drift(Drift drift) {
        this.drift = drift;
        return this;
    }

    public Drift drift() {
        return drift;
    }

    /** Number of features per reading. */
    public static int featureCount() {
        return FEATURES.size();
    }

    /** A reading of a machine in a random condition (uniform over classes). */
    public Reading next() {
        return next(random.nextInt(LABELS.size()));
    }

    /** A reading of a machine in condition {@code labelIndex}. */
    public Reading next(int labelIndex) {
        double[] c = CENTROIDS[labelIndex];
        float[] f = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            double v = c[i] + random.nextGaussian() * SPREAD[i];
            if (i != 7) {
                v = Math.max(0.0, v); // amplitudes and frequencies are non-negative
            }
            f[i] = (float) (v * drift.gain()[i] + drift.offset()[i]);
        }
        return new Reading(f, labelIndex);
    }
}
