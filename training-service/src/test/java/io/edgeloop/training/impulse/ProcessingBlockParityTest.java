package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Train/serve parity: the features a block computes in Java equal, within {@link #TOLERANCE} (absolute below 1,
 * relative above: {@code |java - ort| <= 1e-4 * max(1, |java|)}), what ONNX Runtime computes with the block's
 * emitted nodes, on random windows (noise, tones, offsets).
 */
class ProcessingBlockParityTest {
    static final double TOLERANCE = 1e-4;

    static Stream<Arguments> blocks() {
        return Stream.of(
                Arguments.of(
                        "spectral 3x128", spec("spectral").setSampleRateHz(100).build(), new int[] {3, 128}),
                Arguments.of(
                        "spectral 1x200 no window, 5 bands 10-40 Hz, fft 256",
                        spec("spectral")
                                .setSampleRateHz(100)
                                .setBands(5)
                                .setLowFrequencyHz(10)
                                .setHighFrequencyHz(40)
                                .setFftLength(256)
                                .setNoWindow(true)
                                .build(),
                        new int[] {200}),
                Arguments.of(
                        "spectral without a sample rate",
                        spec("spectral").setBands(4).build(),
                        new int[] {2, 64}),
                Arguments.of(
                        "mfe 2x256",
                        spec("mfe").setSampleRateHz(1000).setFrameLength(64).build(),
                        new int[] {2, 256}),
                Arguments.of(
                        "mfe 1x128 stride 20, fft 64, 10 filters 20-400 Hz",
                        spec("mfe")
                                .setSampleRateHz(1000)
                                .setFrameLength(40)
                                .setFrameStride(20)
                                .setFftLength(64)
                                .setMelFilters(10)
                                .setLowFrequencyHz(20)
                                .setHighFrequencyHz(400)
                                .build(),
                        new int[] {128}),
                Arguments.of(
                        "mfcc 3x256",
                        spec("mfcc").setSampleRateHz(1000).setFrameLength(64).build(),
                        new int[] {3, 256}),
                Arguments.of(
                        "mfcc 1x160, 20 filters 8 coefficients",
                        spec("mfcc")
                                .setSampleRateHz(8000)
                                .setFrameLength(32)
                                .setFrameStride(32)
                                .setMelFilters(20)
                                .setCoefficients(8)
                                .setFftLength(128)
                                .build(),
                        new int[] {1, 160}),
                Arguments.of(
                        "image 3x32x32 -> 16x16 grayscale, normalised",
                        spec("image")
                                .setImageHeight(16)
                                .setImageWidth(16)
                                .setGrayscale(true)
                                .addChannelMean(0.5)
                                .addChannelStd(0.25)
                                .build(),
                        new int[] {3, 32, 32}),
                Arguments.of(
                        "image 3x20x30 up to 40x45, centre crop 32x33, mean and std per channel",
                        spec("image")
                                .setImageHeight(40)
                                .setImageWidth(45)
                                .setCropHeight(32)
                                .setCropWidth(33)
                                .addAllChannelMean(java.util.List.of(0.1, -0.2, 0.3))
                                .addAllChannelStd(java.util.List.of(0.5, 2.0, 1.5))
                                .build(),
                        new int[] {3, 20, 30}),
                Arguments.of(
                        "image 3x17x23 -> 7x5 (uneven shrink), crop 5x4",
                        spec("image")
                                .setImageHeight(7)
                                .setImageWidth(5)
                                .setCropHeight(5)
                                .setCropWidth(4)
                                .build(),
                        new int[] {3, 17, 23}),
                Arguments.of(
                        "image 1x28x28 crop only, 0-255 values",
                        spec("image")
                                .setCropHeight(20)
                                .setCropWidth(21)
                                .addChannelStd(255)
                                .build(),
                        new int[] {1, 28, 28}),
                Arguments.of("image 2x8x8 unchanged (identity)", spec("image").build(), new int[] {2, 8, 8}));
    }

    private static ImpulseSpec.Builder spec(String block) {
        return ImpulseSpec.newBuilder().setBlock(block);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void javaFeaturesEqualOnnxRuntimeFeatures(String name, ImpulseSpec spec, int[] shape) throws Exception {
        ProcessingBlock block = ProcessingBlock.create(ImpulseConfig.resolve(spec), shape);
        float[][] windows = windows(new Random(7), 24, block.inputSize(), shape[shape.length - 1]);
        if (name.contains("0-255")) {
            for (float[] w : windows) {
                for (int j = 0; j < w.length; j++) {
                    w[j] = Math.round(Math.min(255, Math.max(0, 128 + 40 * w[j])));
                }
            }
        }
        float[][] java = block.apply(windows);
        float[][] ort = OrtBlocks.run(OrtBlocks.blockModel(block), "window", windows, shape);
        assertEquals(windows.length, ort.length);
        double worst = 0;
        for (int i = 0; i < windows.length; i++) {
            assertEquals(block.outputSize(), ort[i].length, "features per window");
            for (int j = 0; j < java[i].length; j++) {
                assertTrue(Float.isFinite(java[i][j]), "finite feature");
                double err = Math.abs(java[i][j] - ort[i][j]) / Math.max(1, Math.abs(java[i][j]));
                worst = Math.max(worst, err);
            }
        }
        assertTrue(worst <= TOLERANCE, name + ": worst error " + worst);
    }

    @Test
    void spectralFeaturesAreTheDefinedStatistics() {
        // one axis of 128 samples at 100 Hz: 14 whole cycles (10.94 Hz) of amplitude 2 -> RMS sqrt(2), skewness 0,
        // excess kurtosis -1.5
        float[] x = new float[128];
        for (int n = 0; n < x.length; n++) {
            x[n] = (float) (2 * Math.sin(2 * Math.PI * 14 * n / 128.0));
        }
        ProcessingBlock block = ProcessingBlock.create(
                ImpulseConfig.resolve(
                        spec("spectral").setSampleRateHz(100).setBands(5).build()),
                new int[] {128});
        float[] f = block.apply(x);
        assertArrayEquals(new int[] {8}, block.outputShape());
        assertEquals(Math.sqrt(2), f[0], 1e-3, "rms");
        assertEquals(0, f[1], 1e-3, "skewness");
        assertEquals(-1.5, f[2], 1e-3, "excess kurtosis of a sine");
        // 10.94 Hz falls in band 1 of 5 (10-20 Hz): by far the most power
        for (int b = 0; b < 5; b++) {
            if (b != 1) {
                assertTrue(f[3 + 1] > f[3 + b] + 3, "band 1 dominates band " + b);
            }
        }
    }

    @Test
    void mfccHasCoefficientsByFrames() {
        ProcessingBlock block = ProcessingBlock.create(
                ImpulseConfig.resolve(spec("mfcc")
                        .setSampleRateHz(1000)
                        .setFrameLength(64)
                        .setCoefficients(10)
                        .build()),
                new int[] {3, 256});
        // 1 + (256 - 64) / 32 = 7 frames; 3 axes x 10 coefficients
        assertArrayEquals(new int[] {30, 7}, block.outputShape());
    }

    /** Noise, a tone, an offset and sometimes a spike, per axis. */
    static float[][] windows(Random r, int count, int size, int length) {
        float[][] out = new float[count][size];
        for (int i = 0; i < count; i++) {
            for (int a = 0; a < size / length; a++) {
                double freq = 0.02 + 0.4 * r.nextDouble();
                double amp = 0.2 + 2 * r.nextDouble();
                double offset = r.nextGaussian();
                for (int n = 0; n < length; n++) {
                    double v = offset + amp * Math.sin(2 * Math.PI * freq * n) + 0.3 * r.nextGaussian();
                    out[i][a * length + n] = (float) (r.nextInt(50) == 0 ? v + 3 : v);
                }
            }
        }
        return out;
    }
}
