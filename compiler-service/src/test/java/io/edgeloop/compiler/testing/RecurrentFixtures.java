package io.edgeloop.compiler.testing;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.compiler.domain.ValidationSet;
import java.io.InputStream;
import java.util.Random;

/**
 * Recurrent models trained and exported by training-service (test resources {@code recurrent/gru-2x48.onnx} and
 * {@code recurrent/lstm-2x48.onnx}, written by its {@code RecurrentFixtureWriter}): input [N, 2, 48] ->
 * standardization -> Transpose -> ONNX {@code GRU} or {@code LSTM} (16 units) -> Reshape -> Transpose -> Gather (last
 * step) -> Gemm -> Softmax over sine / square / noise; and windows of the distribution they were trained on.
 */
public final class RecurrentFixtures {
    /** Class-path resource of the GRU model. */
    public static final String GRU = "recurrent/gru-2x48.onnx";
    /** Class-path resource of the LSTM model. */
    public static final String LSTM = "recurrent/lstm-2x48.onnx";
    /** Channels per window. */
    public static final int CHANNELS = 2;
    /** Steps per window. */
    public static final int STEPS = 48;

    private RecurrentFixtures() {}

    /** The GRU model. */
    public static OnnxMl.ModelProto model() throws Exception {
        return model(GRU);
    }

    /** The model of class-path resource {@code resource} ({@link #GRU}, {@link #LSTM}). */
    public static OnnxMl.ModelProto model(String resource) throws Exception {
        try (InputStream in = RecurrentFixtures.class.getClassLoader().getResourceAsStream(resource)) {
            return OnnxMl.ModelProto.parseFrom(in);
        }
    }

    /**
     * Windows as the trainer's test generates them: class 0 a sine, 1 a square wave (period 8-24 steps, random phase
     * and amplitude 0.7-1.3), 2 gaussian noise (sigma 0.8 times the amplitude); channel 1 carries half of channel 0's
     * signal; noise sigma 0.2 on both.
     */
    public static ValidationSet windows(long seed, int n) {
        Random r = new Random(seed);
        float[][] x = new float[n][CHANNELS * STEPS];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            double period = 8 + 16 * r.nextDouble();
            double phase = 2 * Math.PI * r.nextDouble();
            double amp = 0.7 + 0.6 * r.nextDouble();
            for (int t = 0; t < STEPS; t++) {
                double sine = Math.sin(2 * Math.PI * t / period + phase);
                double s = c == 0 ? sine : c == 1 ? Math.signum(sine) : 0.8 * r.nextGaussian();
                for (int ch = 0; ch < CHANNELS; ch++) {
                    x[i][ch * STEPS + t] = (float) (amp * s * (ch == 0 ? 1 : 0.5) + 0.2 * r.nextGaussian());
                }
            }
        }
        return new ValidationSet(x, y);
    }
}
