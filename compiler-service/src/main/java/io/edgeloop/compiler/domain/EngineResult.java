package io.edgeloop.compiler.domain;

import java.util.List;

/**
 * Result of compiling one float model.
 *
 * @param reference evaluation of the float model
 * @param floatGraphNodes nodes of the float model's graph
 * @param variants one outcome per {@link VariantTarget}, in declaration order
 */
public record EngineResult(ModelEvaluation reference, int floatGraphNodes, List<VariantOutcome> variants) {
    /** Accepted variants. */
    public List<VariantOutcome> accepted() {
        return variants.stream().filter(VariantOutcome::accepted).toList();
    }
}
