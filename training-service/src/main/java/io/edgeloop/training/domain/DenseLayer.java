package io.edgeloop.training.domain;

/**
 * Weights of one fully connected layer, {@code y = x W^T + b} (PyTorch / ONNX Gemm with transB=1 layout).
 *
 * @param weight row-major [outputs, inputs]
 * @param bias [outputs]
 * @param inputs input width
 * @param outputs output width
 */
public record DenseLayer(float[] weight, float[] bias, int inputs, int outputs) {
    public DenseLayer {
        if (weight.length != inputs * outputs || bias.length != outputs) {
            throw new IllegalArgumentException("layer arrays do not match [" + outputs + ", " + inputs + "]");
        }
    }
}
