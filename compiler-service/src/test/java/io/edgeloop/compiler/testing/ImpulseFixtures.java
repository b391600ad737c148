package io.edgeloop.compiler.testing;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.testsupport.Tones;
import java.io.InputStream;
import java.util.Random;

/**
 * Models with a processing block (impulses) trained and exported by training-service (test resources {@code
 * impulse/*.onnx}, written by its {@code ImpulseFixtureWriter}), and raw windows of the distribution they were trained
 * on: tones of three frequencies and a linear chirp, random amplitude and phase, noise (sigma 0.4), 9.8 offset on axis 2.
 */
public final class ImpulseFixtures {
    /** Spectral (3 axes x 128 at 100 Hz) + MLP 33-16-4: two Gemms. */
    public static final Fixture SPECTRAL =
            new Fixture("impulse/spectral-3x128.onnx", 100, 3, 128, new double[] {4, 13, 31}, 3, 40, 2);
    /** MFCC (1 x 256 at 1 kHz, 7 frames x 12 coefficients) + 1D-CNN: two Convs and a Gemm. */
    public static final Fixture MFCC =
            new Fixture("impulse/mfcc-1x256.onnx", 1000, 1, 256, new double[] {70, 160, 330}, 50, 450, 3);

    /**
     * One fixture.
     *
     * @param resource class-path resource of the ONNX model
     * @param rate sampling rate in Hz
     * @param axes axes per window
     * @param length samples per axis
     * @param freqs the tones of classes 0-2 in Hz
     * @param chirpFrom start of the chirp (class 3) in Hz
     * @param chirpTo end of the chirp in Hz
     * @param layers the network's Gemm/Conv layers (what a quantizer may quantize)
     */
    public record Fixture(
            String resource,
            double rate,
            int axes,
            int length,
            double[] freqs,
            double chirpFrom,
            double chirpTo,
            int layers) {
        public OnnxMl.ModelProto model() throws Exception {
            try (InputStream in = ImpulseFixtures.class.getClassLoader().getResourceAsStream(resource)) {
                return OnnxMl.ModelProto.parseFrom(in);
            }
        }

        public long[] dims() {
            return new long[] {axes, length};
        }

        /** Raw windows of the distribution the fixture was trained on ({@link Tones}, as the trainer's test). */
        public ValidationSet windows(long seed, int n) {
            Tones.Windows w = new Tones(rate, axes, length, freqs, chirpFrom, chirpTo).windows(new Random(seed), n);
            return new ValidationSet(w.x(), w.y());
        }
    }

    private ImpulseFixtures() {}
}
