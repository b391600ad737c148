package io.edgeloop.agent.domain;

import ai.onnxruntime.OrtException;

/** ONNX Runtime run directly (in-process, independent of the agent) for tests in other packages. */
public final class TestOrt {
    private TestOrt() {}

    /** The first output of {@code model} for one FP32 input, flat. */
    public static float[] run(byte[] model, String input, float[] x, long[] shape) throws OrtException {
        return LoadedModelTest.reference(model, input, x, shape);
    }
}
