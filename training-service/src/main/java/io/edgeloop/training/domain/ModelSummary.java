package io.edgeloop.training.domain;

import java.util.Map;

/**
 * What a trained model is and how well it does, detached from native memory.
 *
 * @param architecture layer layout, see {@link TrainedModel#architecture()}
 * @param spec the spec it was trained with
 * @param parameterCount trainable values
 * @param onnxBytes size of its ONNX export (float32)
 * @param footprint per-sample size and cost
 * @param validation validation metrics
 * @param test test metrics
 * @param epochs epochs run
 * @param bestEpoch epoch kept
 * @param trainingSeconds wall time of training
 */
public record ModelSummary(
        String architecture,
        ModelSpec spec,
        long parameterCount,
        long onnxBytes,
        Footprint footprint,
        EvaluationMetrics validation,
        EvaluationMetrics test,
        int epochs,
        int bestEpoch,
        double trainingSeconds) {

    /** Summary of an evaluated model (exports it once to measure the ONNX size). */
    public static ModelSummary of(TrainedModel m) {
        return new ModelSummary(
                m.architecture(),
                m.spec(),
                m.parameterCount(),
                m.exportOnnx("summary", Map.of()).length,
                m.footprint(),
                m.validation(),
                m.test(),
                m.epochs(),
                m.bestEpoch(),
                m.trainingSeconds());
    }
}
