package io.edgeloop.compiler.domain;

import io.edgeloop.compiler.onnx.DeviceEstimate;
import io.edgeloop.proto.model.v1.ModelSignature;
import java.nio.file.Path;
import java.util.Map;

/**
 * One produced and validated variant.
 *
 * @param target the variant
 * @param artifact the variant file when accepted, null when rejected (files no accepted variant uses are deleted)
 * @param sha256 hex digest of the file, null when rejected
 * @param verdict the validation figures and verdict
 * @param settings how it was produced (optimization level, runtime version, quantization settings, ...)
 * @param extraMetrics further figures (e.g. {@code graph_nodes}, the estimate's figures)
 * @param opset default-domain opset of the variant (of the source model for ORT format), 0 when unknown
 * @param sparsity fraction of zero weights in the pruned layers (pruned variants), else 0
 * @param peakMemoryBytes measured resident memory growth while loading and running the variant
 * @param estimate device estimate on the variant's target profile; null when the variant could not be produced
 * @param signature the variant's inputs, outputs and runtime needs; null when it was not evaluated
 */
public record VariantOutcome(
        VariantTarget target,
        Path artifact,
        String sha256,
        VariantVerdict verdict,
        Map<String, String> settings,
        Map<String, Double> extraMetrics,
        int opset,
        double sparsity,
        long peakMemoryBytes,
        DeviceEstimate estimate,
        ModelSignature signature) {

    /** An outcome without the figures of the quantization work (kept for the fp32 variants' callers). */
    public VariantOutcome(
            VariantTarget target,
            Path artifact,
            String sha256,
            VariantVerdict verdict,
            Map<String, String> settings,
            Map<String, Double> extraMetrics) {
        this(target, artifact, sha256, verdict, settings, extraMetrics, 0, 0, 0, null, null);
    }

    public boolean accepted() {
        return verdict.accepted();
    }

    /** The {@code VariantSummary.quantization} value. */
    public String quantization() {
        return target.method().quantization();
    }
}
