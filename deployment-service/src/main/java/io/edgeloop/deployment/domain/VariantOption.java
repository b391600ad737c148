package io.edgeloop.deployment.domain;

import io.edgeloop.proto.model.v1.ModelSignature;

/**
 * One deployable variant of a rollout (from ModelOptimized.variants) with the registry's signature of its artifact.
 *
 * @param target target profile, e.g. {@code cpu-fp32-ortopt}, {@code edge-arm64-int8}, {@code mcu-int8}
 * @param ramBytes estimated RAM need, or -1 when the variant carries no estimate
 * @param flashBytes estimated flash need, or -1 when unknown
 * @param recommended whether it is the event's recommended variant
 * @param signature registry signature (base64) or empty
 * @param signingKeyId id of the key that made {@code signature}, or empty
 * @param signatureSpec the variant's ModelSignature (opset, operator domains, tensors), or null when unknown
 */
public record VariantOption(
        String variantId,
        String target,
        String format,
        String artifactSha256,
        long sizeBytes,
        long ramBytes,
        long flashBytes,
        double accuracy,
        boolean recommended,
        String signature,
        String signingKeyId,
        ModelSignature signatureSpec) {}
