package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** What the console reads from training-service's run API ({@code /training-runs}). */
public final class TrainingViews {
    private TrainingViews() {}

    /** Precision, recall, F1 and support of one class. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ClassMetrics(String label, double precision, double recall, double f1, long support) {}

    /** Figures on one split; {@code confusionMatrix} is [true class][predicted class]. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Metrics(
            double accuracy,
            double macroF1,
            double loss,
            long sampleCount,
            List<ClassMetrics> perClass,
            long[][] confusionMatrix) {}

    /** The last finished epoch. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Progress(
            int epoch, int maxEpochs, double trainLoss, double validationLoss, double validationAccuracy) {}

    /** A training run. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Run(
            String id,
            String datasetName,
            int datasetVersion,
            String trigger,
            String status,
            String failureReason,
            int maxEpochs,
            Integer epochs,
            Integer bestEpoch,
            Double trainLoss,
            Metrics validation,
            Metrics test,
            String modelName,
            Integer modelVersion,
            String architecture,
            Long parameterCount,
            String queuedAt,
            String finishedAt,
            Double trainingSeconds,
            Progress progress,
            Map<String, Object> spec,
            Map<String, Object> requestedSpec,
            Integer attempt) {}

    /**
     * One epoch of a run's learning curve ({@code /training-runs/{id}/epochs}); {@code attempt} counts the run's
     * tries (a retried run trains again from the start), {@code seq} orders an attempt's epochs, {@code phase} names
     * the training of a distilling run (null otherwise).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Epoch(
            int attempt,
            int seq,
            String phase,
            int epoch,
            int maxEpochs,
            double trainLoss,
            Double validationLoss,
            Double validationAccuracy,
            Double learningRate,
            Double durationSeconds) {}
}
