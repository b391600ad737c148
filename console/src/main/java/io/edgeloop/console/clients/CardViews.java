package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What the console reads from registry-service's model card ({@code GET /models/{name}/versions/{v}/card}); unknown
 * fields are ignored.
 */
public final class CardViews {
    private CardViews() {}

    /** The model itself. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Overview(
            String architecture,
            int featureCount,
            List<String> classLabels,
            Long parameterCount,
            Map<String, String> hyperparameters,
            List<String> aliases,
            Map<String, String> tags) {}

    /** The snapshot it was trained on and the per-class support of its test split. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TrainingData(
            String datasetName,
            int datasetVersion,
            String snapshotId,
            String trainingRunId,
            int parentVersion,
            Long testSamples,
            Long validationSamples,
            Map<String, Long> testClassBalance) {}

    /** Test figures of one class. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ClassFigures(String label, Double precision, Double recall, Double f1, Long support) {}

    /** One variant and what it costs in accuracy ({@code accuracyCost} positive = it loses accuracy). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VariantFigures(
            String variantId,
            String target,
            String format,
            long sizeBytes,
            Double accuracy,
            Double accuracyCost,
            Double latencyP50Us,
            Map<String, String> settings) {}

    /** An alias moved to (or away from) the version. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Promotion(String alias, String action, String actor, String reason, String at) {}

    /** A rollout of the version reached a phase. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RolloutPhase(
            String rolloutId, String phase, Integer devicesActive, Integer devicesTargeted, String at) {}

    /** Who registered and promoted it, and where it was rolled out. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Provenance(
            String registeredBy, String registeredAt, List<Promotion> promotions, List<RolloutPhase> rollouts) {}

    /** The model card of one version. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Card(
            String modelName,
            int version,
            Overview overview,
            String intendedUse,
            TrainingData trainingData,
            Map<String, Double> metrics,
            List<ClassFigures> perClass,
            List<VariantFigures> variants,
            List<String> limitations,
            Provenance provenance,
            String livePerformance) {}
}
