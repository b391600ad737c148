package io.edgeloop.registry.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A deployable build of a model version for one target.
 *
 * @param variantId {@code <model>-v<version>-<target>}
 * @param modelName model it belongs to
 * @param modelVersion version it was built from
 * @param target deployment target, e.g. {@code cpu-int8}
 * @param format artifact format, e.g. {@code onnx} or {@code ort}
 * @param artifactSha256 digest of its artifact
 * @param sizeBytes artifact size
 * @param metrics measurements of this build (accuracy, latency, ...), sorted by name
 * @param settings how it was built (quantization, opset, ...), sorted by name
 * @param createdAt when it was added
 * @param registeredBy the authenticated subject that added it (null for variants added before this was recorded)
 */
public record VariantView(
        String variantId,
        String modelName,
        int modelVersion,
        String target,
        String format,
        String artifactSha256,
        long sizeBytes,
        Map<String, Double> metrics,
        Map<String, String> settings,
        Instant createdAt,
        String registeredBy) {}
