package io.edgeloop.registry.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a deployed model owes the people it affects and operates on: a model card of one version, built from what the
 * registry holds (the version, its training run, its variants, its history). Live performance per device segment is
 * monitoring's ({@code GET /models/{name}/performance}); the card links to it rather than copying a moment of it.
 *
 * @param modelName model
 * @param version version
 * @param overview what the model is
 * @param intendedUse the {@code intended_use} tag, or null when nobody stated it (then it is a limitation)
 * @param trainingData where its data came from and the class balance of its evaluation splits
 * @param metrics overall figures as registered (test accuracy, macro F1, ...), by name
 * @param perClass test figures per class, in class-label order (empty without a recorded training run)
 * @param variants builds for deployment targets and what each costs in accuracy
 * @param limitations stated ({@code limitations} tag, one per line) and derived from the figures
 * @param provenance who registered and promoted it, and where it was rolled out
 * @param livePerformance where its live performance with ground truth is read
 */
public record ModelCard(
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
        String livePerformance) {

    /** The model itself. */
    public record Overview(
            String architecture,
            int featureCount,
            List<String> classLabels,
            Long parameterCount,
            Map<String, String> hyperparameters,
            List<String> aliases,
            Map<String, String> tags) {}

    /**
     * Its data: the snapshot it was trained on and the per-class support of the (stratified) test split.
     *
     * @param testSamples samples in the test split, null when unknown
     * @param validationSamples samples in the validation split, null when unknown
     */
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
    public record ClassFigures(String label, Double precision, Double recall, Double f1, Long support) {}

    /**
     * One variant.
     *
     * @param accuracyCost the version's test accuracy minus the variant's (positive = it loses accuracy), or null
     */
    public record VariantFigures(
            String variantId,
            String target,
            String format,
            long sizeBytes,
            Double accuracy,
            Double accuracyCost,
            Double latencyP50Us,
            Map<String, String> settings) {}

    /** Who did what with it. */
    public record Provenance(
            String registeredBy, Instant registeredAt, List<Promotion> promotions, List<Rollout> rollouts) {}

    /** An alias moved to (or away from) the version. */
    public record Promotion(String alias, String action, String actor, String reason, Instant at) {}

    /** A rollout of the version reached a phase. */
    public record Rollout(String rolloutId, String phase, Integer devicesActive, Integer devicesTargeted, Instant at) {}
}
