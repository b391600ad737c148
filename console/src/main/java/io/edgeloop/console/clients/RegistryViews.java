package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** What the console reads from registry-service's REST API ({@code /models/...}); unknown fields are ignored. */
public final class RegistryViews {
    private RegistryViews() {}

    /** A row of {@code GET /models}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelRow(String name, int latestVersion, String createdAt, String updatedAt) {}

    /** {@code GET /models/{name}}: the model with its alias map. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Model(
            String name, int latestVersion, String createdAt, String updatedAt, Map<String, Integer> aliases) {}

    /** Where a version came from. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Lineage(
            String datasetName,
            int datasetVersion,
            String snapshotId,
            String trainingRunId,
            int parentVersion,
            String correlationId) {}

    /** A deployable build of a version for one target, with its measurements ({@code accuracy}, latency, size). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Variant(
            String variantId,
            String target,
            String format,
            long sizeBytes,
            Map<String, Double> metrics,
            Map<String, String> settings) {}

    /** A registered version ({@code GET /models/{name}/versions}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Version(
            String modelName,
            int version,
            long sizeBytes,
            String architecture,
            int featureCount,
            List<String> classLabels,
            Map<String, Double> metrics,
            Lineage lineage,
            List<Variant> variants,
            String createdAt,
            String registeredBy,
            List<String> aliases) {}

    /** An alias ({@code GET /models/{name}/aliases}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Alias(String alias, int version, String updatedAt, String updatedBy) {}
}
