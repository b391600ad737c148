package io.edgeloop.agent.domain;

import java.util.List;

/**
 * Result of one inference call (a batch of {@code batch} samples).
 *
 * @param model the model that produced it
 * @param features the feature input as it was run (telemetry takes its per-sample statistics from it)
 * @param outputs the requested outputs (every output when none was named), in request or model order
 * @param labels predicted label per sample, empty when the model is not a classifier
 * @param classIndices index of the predicted class per sample, empty when the model is not a classifier
 * @param confidences probability of the predicted class per sample (0..1), empty when not a classifier
 * @param latencyUs time in ONNX Runtime including tensor conversion, whole batch, microseconds
 */
public record InferenceResult(
        ModelSignature model,
        int batch,
        Tensor features,
        List<Tensor> outputs,
        List<String> labels,
        int[] classIndices,
        float[] confidences,
        long latencyUs) {
    public InferenceResult {
        outputs = List.copyOf(outputs);
        labels = List.copyOf(labels);
        classIndices = classIndices.clone();
        confidences = confidences.clone();
    }

    /** A result without class indices or confidences (a model that is not a classifier). */
    public InferenceResult(
            ModelSignature model,
            int batch,
            Tensor features,
            List<Tensor> outputs,
            List<String> labels,
            long latencyUs) {
        this(model, batch, features, outputs, labels, new int[0], new float[0], latencyUs);
    }

    /** Whether sample {@code s} has a predicted class (and a confidence). */
    public boolean classified(int s) {
        return s < classIndices.length && s < confidences.length;
    }

    /** The output named {@code name}, or null. */
    public Tensor output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
