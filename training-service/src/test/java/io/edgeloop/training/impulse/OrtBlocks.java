package io.edgeloop.training.impulse;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs ONNX models in ONNX Runtime (1 thread) for the impulse tests. */
final class OrtBlocks {
    private OrtBlocks() {}

    /** A model holding only {@code block}'s nodes: input {@code window} -> output = the block's features. */
    static byte[] blockModel(ProcessingBlock block) {
        return block.standaloneModel();
    }

    /** Runs {@code onnx} on flat rows of {@code shape}; returns the first output, one flat row per input row. */
    static float[][] run(byte[] onnx, String inputName, float[][] rows, int[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] dims = new long[shape.length + 1];
        dims[0] = rows.length;
        for (int i = 0; i < shape.length; i++) {
            dims[i + 1] = shape[i];
        }
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, opts);
                    OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), dims);
                    OrtSession.Result result = session.run(Map.of(inputName, input))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer fb = out.getFloatBuffer();
                int per = fb.remaining() / rows.length;
                float[][] values = new float[rows.length][per];
                for (int i = 0; i < rows.length; i++) {
                    fb.get(values[i]);
                }
                return values;
            }
        }
    }
}
