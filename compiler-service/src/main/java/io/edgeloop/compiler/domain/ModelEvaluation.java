package io.edgeloop.compiler.domain;

/**
 * Figures of one model on a validation set.
 *
 * @param outputs the model's output row per sample (e.g. class probabilities)
 * @param predictions argmax of each output row
 * @param accuracy fraction of predictions equal to the label, in [0, 1]
 * @param latencyP50Us median single-sample inference time in microseconds, after a warm-up
 * @param latencyP99Us 99th percentile single-sample inference time in microseconds
 * @param sizeBytes size of the model file
 * @param inputName the model's input, as declared by the model
 * @param outputName the output the figures are computed from
 * @param peakMemoryBytes resident memory growth while the model's session is created and run: of an isolated child
 *     process ({@link SessionMemoryProbe}) or of this process (see
 *     {@link ModelEvaluator}); 0 when not measured
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
        long peakMemoryBytes) {

    /** The same figures with {@code bytes} as peak memory (a measurement made elsewhere). */
    public ModelEvaluation withPeakMemoryBytes(long bytes) {
        return new ModelEvaluation(
                outputs, predictions, accuracy, latencyP50Us, latencyP99Us, sizeBytes, inputName, outputName, bytes);
    }

    /** Number of evaluated samples. */
    public int sampleCount() {
        return predictions.length;
    }

    /** Width of an output row (the number of classes). */
    public int classCount() {
        return outputs.length == 0 ? 0 : outputs[0].length;
    }
}
