package io.edgeloop.agent.domain;

/**
 * Result of one inference.
 *
 * @param model the model that produced it
 * @param probabilities class probabilities (softmax applied when the model outputs logits)
 * @param latencyUs time spent in ONNX Runtime including tensor creation, microseconds
 */
public record Prediction(ModelDescriptor model, String label, int classIndex, float[] probabilities, long latencyUs) {}
