package io.edgeloop.compiler.api;

import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.compiler.persistence.CompiledVariant;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A compilation as served over REST.
 *
 * @param id compilation id
 * @param status SUCCEEDED, REJECTED or FAILED
 * @param failureReason why it failed or why every variant was rejected; null on success
 * @param trigger {@code event} (ModelTrained) or {@code api}
 * @param floatModel figures of the float model; null when the compilation failed before evaluating it
 * @param variants every produced variant, accepted or rejected
 * @param eventId id of the emitted ModelOptimized event, null when none was emitted
 * @param promotion the candidate against the version in production (ModelOptimized.promotion); null when none
 */
public record CompilationView(
        String id,
        String modelName,
        int modelVersion,
        String snapshotId,
        String sourceSha256,
        String trigger,
        String causationEventId,
        String status,
        String failureReason,
        double accuracyBudgetPoints,
        String optimizationLevel,
        Integer validationSamples,
        FloatModel floatModel,
        String recommendedVariantId,
        String eventId,
        Instant startedAt,
        Instant finishedAt,
        List<Variant> variants,
        Promotion promotion) {

    /**
     * Promotion evidence: accuracies on the same held-out samples.
     *
     * @param split {@code test} or {@code validation}
     * @param championVersion the version in production (0 = none)
     * @param championAccuracy null when not compared
     * @param championNote why the champion was not compared
     * @param classification whether accuracy applies
     */
    public record Promotion(
            String split,
            long sampleCount,
            double candidateAccuracy,
            int championVersion,
            Double championAccuracy,
            String championNote,
            boolean classification) {}

    /** Figures of the float model on the validation samples. */
    public record FloatModel(
            double accuracy, double latencyP50Us, double latencyP99Us, long sizeBytes, int graphNodes) {}

    /**
     * A variant with its figures and verdict.
     *
     * @param profile the target profile it is estimated against
     * @param quantization {@code none}, {@code int8-static-qdq}, {@code int8-dynamic} or {@code pruned}
     * @param peakMemoryBytes measured resident memory growth while loading and running it
     * @param sparsity fraction of zero weights (pruned variants)
     * @param estimate device estimate on its profile; null when it could not be produced
     */
    public record Variant(
            String target,
            String profile,
            String format,
            String quantization,
            Integer opset,
            String status,
            String reason,
            String variantId,
            String artifactSha256,
            long sizeBytes,
            double accuracy,
            double accuracyDelta,
            double maxAbsDiff,
            double argmaxAgreement,
            double latencyP50Us,
            double latencyP99Us,
            Long peakMemoryBytes,
            Double sparsity,
            Estimate estimate,
            Map<String, String> settings) {}

    /** Estimated fit of a variant on its target profile. */
    public record Estimate(long ramBytes, long flashBytes, long macs, double latencyUs, boolean fits, String reason) {}

    /** The view of an entity. */
    public static CompilationView of(Compilation c) {
        FloatModel floatModel = c.floatAccuracy == null
                ? null
                : new FloatModel(
                        c.floatAccuracy,
                        c.floatLatencyP50Us,
                        c.floatLatencyP99Us,
                        c.floatSizeBytes,
                        c.floatGraphNodes == null ? 0 : c.floatGraphNodes);
        return new CompilationView(
                c.id,
                c.modelName,
                c.modelVersion,
                c.snapshotId,
                c.sourceSha256,
                c.trigger,
                c.causationEventId,
                c.status.name(),
                c.failureReason,
                c.accuracyBudgetPoints,
                c.optimizationLevel,
                c.validationSamples,
                floatModel,
                c.recommendedVariantId,
                c.eventId,
                c.startedAt,
                c.finishedAt,
                c.variants.stream().map(CompilationView::variant).toList(),
                c.promotionSplit == null
                        ? null
                        : new Promotion(
                                c.promotionSplit,
                                c.promotionSamples,
                                c.candidateAccuracy,
                                c.championVersion,
                                c.championNote == null && c.championVersion > 0 ? c.championAccuracy : null,
                                c.championNote,
                                Boolean.TRUE.equals(c.promotionClassification)));
    }

    private static Variant variant(CompiledVariant v) {
        return new Variant(
                v.target,
                v.targetProfile,
                v.format,
                v.quantization,
                v.opset,
                v.accepted ? "ACCEPTED" : "REJECTED",
                v.rejectionReason,
                v.variantId,
                v.artifactSha256,
                v.sizeBytes,
                v.accuracy,
                v.accuracyDelta,
                v.maxAbsDiff,
                v.argmaxAgreement,
                v.latencyP50Us,
                v.latencyP99Us,
                v.peakMemoryBytes,
                v.sparsity,
                v.estRamBytes == null
                        ? null
                        : new Estimate(
                                v.estRamBytes,
                                v.estFlashBytes,
                                v.estMacs,
                                v.estLatencyUs,
                                Boolean.TRUE.equals(v.estFits),
                                v.estReason),
                Map.copyOf(v.settings));
    }
}
