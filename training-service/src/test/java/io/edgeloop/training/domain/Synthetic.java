package io.edgeloop.training.domain;

import java.util.List;
import java.util.Random;

/** Generated, separable data sets for tests and benchmarks: sine patterns per class, simple shapes in images. */
public final class Synthetic {
    /** Classes of {@link #timeSeries}. */
    public static final List<String> WAVES = List.of("slow", "medium", "fast");
    /** Classes of {@link #images}. */
    public static final List<String> SHAPES = List.of("horizontal", "vertical", "box");

    private Synthetic() {}

    /**
     * Windows of {@code channels} x {@code steps}: class c is a sine of 2, 5 or 9 cycles per window (random phase and
     * amplitude) on channel 0, its cosine on channel 1, and noise (sigma 0.35) everywhere.
     */
    public static TrainingData timeSeries(long seed, int channels, int steps, int train, int val, int test) {
        Random r = new Random(seed);
        return new TrainingData(
                waves(r, channels, steps, train),
                waves(r, channels, steps, val),
                waves(r, channels, steps, test),
                WAVES,
                channels * steps);
    }

    private static SplitData waves(Random r, int channels, int steps, int n) {
        int[] cycles = {2, 5, 9};
        float[][] x = new float[n][channels * steps];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % WAVES.size();
            y[i] = c;
            double phase = r.nextDouble() * 2 * Math.PI;
            double amp = 0.8 + 0.4 * r.nextDouble();
            for (int ch = 0; ch < channels; ch++) {
                for (int t = 0; t < steps; t++) {
                    double angle = 2 * Math.PI * cycles[c] * t / steps + phase;
                    double signal = ch == 0 ? Math.sin(angle) : ch == 1 ? Math.cos(angle) : 0;
                    x[i][ch * steps + t] = (float) (amp * signal + 0.35 * r.nextGaussian() + (ch == 2 ? 3 : 0));
                }
            }
        }
        return new SplitData(x, y);
    }

    /**
     * One-channel {@code side} x {@code side} images: a horizontal bar, a vertical bar, or a 3x3 box outline at a
     * random position, plus noise (sigma 0.25).
     */
    public static TrainingData images(long seed, int side, int train, int val, int test) {
        Random r = new Random(seed);
        return new TrainingData(
                shapes(r, side, train), shapes(r, side, val), shapes(r, side, test), SHAPES, side * side);
    }

    private static SplitData shapes(Random r, int side, int n) {
        float[][] x = new float[n][side * side];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % SHAPES.size();
            y[i] = c;
            float[] img = x[i];
            for (int p = 0; p < img.length; p++) {
                img[p] = (float) (0.25 * r.nextGaussian());
            }
            int a = r.nextInt(side - 3);
            int b = r.nextInt(side - 3);
            if (c == 0) {
                for (int k = 0; k < 4; k++) {
                    img[a * side + b + k] += 1;
                }
            } else if (c == 1) {
                for (int k = 0; k < 4; k++) {
                    img[(a + k) * side + b] += 1;
                }
            } else {
                for (int u = 0; u < 3; u++) {
                    for (int v = 0; v < 3; v++) {
                        if (u != 1 || v != 1) {
                            img[(a + u) * side + b + v] += 1;
                        }
                    }
                }
            }
        }
        return new SplitData(x, y);
    }
}
