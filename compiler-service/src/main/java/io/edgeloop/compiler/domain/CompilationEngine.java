package io.edgeloop.compiler.domain;

import io.edgeloop.common.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Compiles one float model: evaluates it, produces every {@link VariantTarget}, evaluates each variant on the same
 * samples and judges it against the float model. Pure computation on local files; no network, no database.
 */
public final class CompilationEngine {
    private final OnnxOptimizer optimizer;
    private final ModelEvaluator evaluator;
    private final VariantValidator validator;

    public CompilationEngine(OnnxOptimizer optimizer, ModelEvaluator evaluator, VariantValidator validator) {
        this.optimizer = optimizer;
        this.evaluator = evaluator;
        this.validator = validator;
    }

    public VariantValidator validator() {
        return validator;
    }

    /**
     * Compiles {@code floatModel}, writing variant files into {@code outDir}. Rejected variants' files are deleted.
     *
     * @throws InvalidModelException when the float model cannot be loaded or run; nothing is left in {@code outDir}
     * @throws CompilationFailure when the validation data does not fit the model
     */
    public EngineResult run(Path floatModel, ValidationSet data, Path outDir) {
        ModelEvaluation reference = evaluator.evaluate(floatModel, data);
        int floatNodes = OnnxGraphs.nodeCount(floatModel).orElse(0);
        List<VariantOutcome> outcomes = new ArrayList<>();
        try {
            for (VariantTarget target : VariantTarget.values()) {
                outcomes.add(variant(floatModel, target, reference, data, outDir));
            }
        } catch (RuntimeException e) {
            for (VariantTarget target : VariantTarget.values()) {
                OnnxOptimizer.deleteQuietly(outDir.resolve(target.fileName()));
            }
            throw e;
        }
        return new EngineResult(reference, floatNodes, List.copyOf(outcomes));
    }

    private VariantOutcome variant(
            Path floatModel, VariantTarget target, ModelEvaluation reference, ValidationSet data, Path outDir) {
        Map<String, String> settings = optimizer.settings(target);
        Path file;
        try {
            file = optimizer.optimize(floatModel, target, outDir);
        } catch (InvalidModelException e) {
            return new VariantOutcome(target, null, null, VariantVerdict.unusable(e.getMessage()), settings, Map.of());
        }
        VariantVerdict verdict;
        try {
            verdict = validator.judge(reference, evaluator.evaluate(file, data));
        } catch (CompilationFailure e) {
            verdict = VariantVerdict.unusable("variant does not run: " + e.getMessage());
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        if (target.format().equals("onnx")) {
            OptionalInt nodes = OnnxGraphs.nodeCount(file);
            nodes.ifPresent(n -> extra.put("graph_nodes", (double) n));
        }
        if (!verdict.accepted()) {
            OnnxOptimizer.deleteQuietly(file);
            return new VariantOutcome(target, null, null, verdict, settings, extra);
        }
        try {
            return new VariantOutcome(target, file, Hashing.sha256Hex(file), verdict, settings, extra);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
    }
}
