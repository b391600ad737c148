package io.edgeloop.compiler.domain;

import java.util.List;

/**
 * Figures of one model on a validation set.
 *
 * @param outputs the judged output's row per sample: the class scores, or (for a model without class scores) the
 *     first numeric output flattened per sample
 * @param predictions argmax of each output row (0 when the outputs are not class scores)
 * @param accuracy fraction of predictions equal to the label, in [0, 1]; 0 when the outputs are not class scores
 * @param latencyP50Us median single-sample inference time in microseconds, after a warm-up
 * @param latencyP99Us 99th percentile single-sample inference time in microseconds
 * @param sizeBytes size of the model file
 * @param inputName the feature input
 * @param outputName the output the figures are computed from
 * @param peakMemoryBytes resident memory growth while the model's session is created and run: of an isolated child
 *     process ({@link SessionMemoryProbe}) or of this process (see
 *     {@link ModelEvaluator}); 0 when not measured
 * @param classification whether {@code outputName} holds class scores (accuracy applies)
 * @param inputTensors the model's inputs, as ONNX Runtime reports them
 * @param outputTensors the model's outputs, as ONNX Runtime reports them
 * @param feeds how each input was fed
 */
public record ModelEvaluation(
        float[][] outputs,
        int[] predictions,
        double accuracy,
        double latencyP50Us,
        double latencyP99Us,
        long sizeBytes,
        String inputName,
        String outputName,
        long peakMemoryBytes,
        boolean classification,
        List<IoPlan.Tensor> inputTensors,
        List<IoPlan.Tensor> outputTensors,
        List<InputFeed> feeds) {

    /** The same figures with {@code bytes} as peak memory (a measurement made elsewhere). */
    public ModelEvaluation withPeakMemoryBytes(long bytes) {
        return new ModelEvaluation(
                outputs,
                predictions,
                accuracy,
                latencyP50Us,
                latencyP99Us,
                sizeBytes,
                inputName,
                outputName,
                bytes,
                classification,
                inputTensors,
                outputTensors,
                feeds);
    }

    /** Number of evaluated samples. */
    public int sampleCount() {
        return predictions.length;
    }

    /** Width of an output row (the number of classes for class scores). */
    public int classCount() {
        return outputs.length == 0 ? 0 : outputs[0].length;
    }
}
