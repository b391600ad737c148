package io.edgeloop.registry.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A registered model version with its lineage and variants.
 *
 * @param modelName model name
 * @param version 1, 2, ... per model
 * @param artifactSha256 digest of the trained model artifact
 * @param sizeBytes artifact size
 * @param architecture network architecture, e.g. {@code mlp-64-32}
 * @param featureCount number of input features
 * @param classLabels output classes in output order
 * @param metrics evaluation metrics, sorted by name
 * @param lineage where it came from
 * @param variants builds for deployment targets, sorted by target
 * @param createdAt when it was registered
 * @param registeredBy the authenticated subject that registered it (null for versions registered before this was
 *     recorded)
 * @param aliases aliases pointing at it, sorted
 * @param tags key/value labels, sorted by key
 * @param description free text (MLflow {@code model-versions/update}), null when none
 * @param updatedAt when it last changed: its registration, then each change of its description
 */
public record VersionView(
        String modelName,
        int version,
        String artifactSha256,
        long sizeBytes,
        String architecture,
        int featureCount,
        List<String> classLabels,
        Map<String, Double> metrics,
        LineageView lineage,
        List<VariantView> variants,
        Instant createdAt,
        String registeredBy,
        List<String> aliases,
        Map<String, String> tags,
        String description,
        Instant updatedAt) {}
