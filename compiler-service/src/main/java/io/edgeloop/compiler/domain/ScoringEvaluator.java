package io.edgeloop.compiler.domain;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.config.CompilerConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * Runs a registered model's float artifact on samples to read its outputs, without latency runs or memory
 * measurement: the champion's promotion evidence and active learning's re-scoring. Sessions are created unoptimized
 * ({@code NO_OPT}: as exported), one per call.
 */
@ApplicationScoped
public class ScoringEvaluator {
    @Inject
    CompilerConfig config;

    private ModelEvaluator evaluator;

    @PostConstruct
    void init() {
        evaluator = new ModelEvaluator(
                OrtEnvironment.getEnvironment(),
                config.intraOpThreads(),
                config.validation().batchSize(),
                0,
                1,
                false);
    }

    /**
     * {@code model}'s outputs on {@code data}, fed as {@code io} declares; accuracy against {@code data}'s labels on
     * the class-score output ({@code labels}: the number of class labels, 0 when unknown).
     *
     * @throws CompilationFailure when the model cannot run on the samples ({@link InvalidModelException} when it
     *     cannot be loaded or run at all)
     */
    public ModelEvaluation evaluate(Path model, ValidationSet data, ModelIo io, int labels) {
        return evaluator.evaluate(model, data, OptLevel.NO_OPT, false, io, labels);
    }
}
