package io.edgeloop.agent.domain;

import java.util.List;

/**
 * Result of one batch inference.
 *
 * @param model the model that produced it (with its tensor signature)
 * @param scores the model's output tensor, row-major {@code rows x classes}, as ONNX Runtime returned it
 * @param labels the predicted label of each row (arg max of its scores)
 * @param latencyUs time spent in ONNX Runtime for the whole batch, microseconds
 */
public record BatchPrediction(
        ModelSignature model, int rows, int classes, float[] scores, List<String> labels, long latencyUs) {}
