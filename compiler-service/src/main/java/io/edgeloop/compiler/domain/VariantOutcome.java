package io.edgeloop.compiler.domain;

import java.nio.file.Path;
import java.util.Map;

/**
 * One produced and validated variant.
 *
 * @param target the target profile
 * @param artifact the variant file when accepted, null when rejected (rejected files are deleted)
 * @param sha256 hex digest of the file, null when rejected
 * @param verdict the validation figures and verdict
 * @param settings how it was produced (optimization level, runtime version, ...)
 * @param extraMetrics further figures (e.g. {@code graph_nodes})
 */
public record VariantOutcome(
        VariantTarget target,
        Path artifact,
        String sha256,
        VariantVerdict verdict,
        Map<String, String> settings,
        Map<String, Double> extraMetrics) {

    public boolean accepted() {
        return verdict.accepted();
    }
}
