package io.edgeloop.agent.domain;

import java.util.List;

/**
 * Result of one inference call (a batch of {@code batch} samples).
 *
 * @param model the model that produced it
 * @param features the feature input as it was run (telemetry takes its per-sample statistics from it)
 * @param outputs the requested outputs (every output when none was named), in request or model order
 * @param labels predicted label per sample, empty when the model is not a classifier
 * @param latencyUs time in ONNX Runtime including tensor conversion, whole batch, microseconds
 */
public record InferenceResult(
        ModelSignature model, int batch, Tensor features, List<Tensor> outputs, List<String> labels, long latencyUs) {
    public InferenceResult {
        outputs = List.copyOf(outputs);
        labels = List.copyOf(labels);
    }

    /** The output named {@code name}, or null. */
    public Tensor output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
