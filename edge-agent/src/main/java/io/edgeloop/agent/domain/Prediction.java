package io.edgeloop.agent.domain;

import java.util.List;

/**
 * Result of one single-sample inference.
 *
 * @param model the model that produced it
 * @param label the predicted label, null when the model is not a classifier
 * @param classIndex index of {@code label}, -1 when the model is not a classifier
 * @param probabilities class probabilities (softmax applied when the model outputs logits), null for non-classifiers
 * @param latencyUs time spent in ONNX Runtime including tensor creation, microseconds
 * @param outputs every output tensor of the model
 */
public record Prediction(
        ModelDescriptor model,
        String label,
        int classIndex,
        float[] probabilities,
        long latencyUs,
        List<Tensor> outputs) {}
