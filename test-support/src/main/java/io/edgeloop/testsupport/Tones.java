package io.edgeloop.testsupport;

import java.util.Random;

/**
 * Raw signal windows for impulse tests and benchmarks: class 0-2 a tone of {@code freqs[c]} Hz, class 3 a linear chirp
 * from {@code chirpFrom} to {@code chirpTo} Hz over the window; amplitude uniform in [0.6, 1.4], random phase, Gaussian
 * noise (sigma {@code noise}, 0.4 unless given). Axis 0 carries the signal, axis 1 half of it, every further axis a constant 9.8 (gravity on an
 * accelerometer), each with its own noise. Windows are axis-major ({@code [axis0 values..., axis1 values...]}).
 *
 * @param rate sampling rate in Hz
 * @param axes axes per window
 * @param length values per axis
 * @param freqs the tones of classes 0-2 in Hz
 * @param chirpFrom start of the chirp (class 3) in Hz
 * @param chirpTo end of the chirp in Hz
 * @param noise standard deviation of the noise
 */
public record Tones(double rate, int axes, int length, double[] freqs, double chirpFrom, double chirpTo, double noise) {
    /** Tones with noise of sigma 0.4. */
    public Tones(double rate, int axes, int length, double[] freqs, double chirpFrom, double chirpTo) {
        this(rate, axes, length, freqs, chirpFrom, chirpTo, 0.4);
    }

    /** Four classes: three tones and a chirp. */
    public static final int CLASSES = 4;

    /** Labelled windows: {@code x[i]} of class {@code y[i]} (classes in turn: 0, 1, 2, 3, 0, ...). */
    public record Windows(float[][] x, int[] y) {}

    /** {@code n} windows drawn from {@code r}. */
    public Windows windows(Random r, int n) {
        float[][] x = new float[n][axes * length];
        int[] y = new int[n];
        double duration = length / rate;
        for (int i = 0; i < n; i++) {
            int c = i % CLASSES;
            y[i] = c;
            double amp = 0.6 + 0.8 * r.nextDouble();
            double phase = 2 * Math.PI * r.nextDouble();
            for (int t = 0; t < length; t++) {
                double time = t / rate;
                double angle = c < 3
                        ? 2 * Math.PI * freqs[c] * time
                        : 2 * Math.PI * (chirpFrom * time + (chirpTo - chirpFrom) * time * time / (2 * duration));
                double s = amp * Math.sin(angle + phase);
                for (int a = 0; a < axes; a++) {
                    x[i][a * length + t] = (float) ((a == 0 ? s : a == 1 ? 0.5 * s : 9.8) + noise * r.nextGaussian());
                }
            }
        }
        return new Windows(x, y);
    }
}
