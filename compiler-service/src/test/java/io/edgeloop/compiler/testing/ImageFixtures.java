package io.edgeloop.compiler.testing;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.compiler.domain.ValidationSet;
import java.io.InputStream;
import java.util.Random;

/**
 * An image-block model trained and exported by training-service (test resource {@code image/image-3x40x40.onnx},
 * written by its {@code ImageFixtureWriter}): raw colour images [N, 3, 40, 40] -> {@code impulse/...} nodes (Mul by
 * the luma weights, ReduceSum over the channels, MatMul by the column matrix [40, 20], MatMul by the row matrix [20,
 * 40], Sub / Div normalisation) -> 2D-CNN (Conv 3x3 16 -> MaxPool -> Conv 3x3 32 -> MaxPool -> GlobalAveragePool ->
 * Gemm) -> Softmax over square / disc / cross; and images of the distribution it was trained on.
 */
public final class ImageFixtures {
    /** Class-path resource of the model. */
    public static final String RESOURCE = "image/image-3x40x40.onnx";
    /** Pixels per side of the raw images. */
    public static final int SIDE = 40;

    private ImageFixtures() {}

    /** The model. */
    public static OnnxMl.ModelProto model() throws Exception {
        try (InputStream in = ImageFixtures.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            return OnnxMl.ModelProto.parseFrom(in);
        }
    }

    /** {@code n} images as the trainer's test generates them, classes in turn (flat [3, 40, 40] rows). */
    public static ValidationSet images(long seed, int n) {
        Random r = new Random(seed);
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            x[i] = image(r, y[i]);
        }
        return new ValidationSet(x, y);
    }

    /**
     * One RGB image [3, 40, 40] in [0, 1]: a dark background of random colour, shape {@code c} (0 filled square, 1
     * disc, 2 cross of two bars) of half-size 7-12 pixels at a random centre in a bright random colour, gaussian
     * noise (sigma 0.08) on every value.
     */
    static float[] image(Random r, int c) {
        float[] img = new float[3 * SIDE * SIDE];
        float[] background = {0.1f * r.nextFloat(), 0.15f * r.nextFloat(), 0.1f * r.nextFloat()};
        float[] colour = {0.5f + 0.5f * r.nextFloat(), 0.5f + 0.5f * r.nextFloat(), 0.3f + 0.7f * r.nextFloat()};
        int half = 7 + r.nextInt(6);
        int cy = half + r.nextInt(SIDE - 2 * half);
        int cx = half + r.nextInt(SIDE - 2 * half);
        int bar = Math.max(2, half / 3);
        for (int h = 0; h < SIDE; h++) {
            for (int w = 0; w < SIDE; w++) {
                int dy = h - cy;
                int dx = w - cx;
                boolean inside = switch (c) {
                    case 0 -> Math.abs(dy) <= half && Math.abs(dx) <= half;
                    case 1 -> dy * dy + dx * dx <= half * half;
                    default ->
                        (Math.abs(dy) <= bar && Math.abs(dx) <= half) || (Math.abs(dx) <= bar && Math.abs(dy) <= half);
                };
                for (int ch = 0; ch < 3; ch++) {
                    float v = inside ? colour[ch] : background[ch];
                    img[(ch * SIDE + h) * SIDE + w] = (float) (v + 0.08 * r.nextGaussian());
                }
            }
        }
        return img;
    }
}
