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
        List<Variant> variants) {

    /** Figures of the float model on the validation samples. */
    public record FloatModel(
            double accuracy, double latencyP50Us, double latencyP99Us, long sizeBytes, int graphNodes) {}

    /** A variant with its figures and verdict. */
    public record Variant(
            String target,
            String format,
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
            Map<String, String> settings) {}

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
                c.variants.stream().map(CompilationView::variant).toList());
    }

    private static Variant variant(CompiledVariant v) {
        return new Variant(
                v.target,
                v.format,
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
                Map.copyOf(v.settings));
    }
}
