package io.edgeloop.training.api;

import io.edgeloop.training.persistence.TrainingRun;
import java.time.Instant;

/**
 * JSON view of a training run.
 *
 * @param id run id
 * @param datasetName dataset (= model name)
 * @param datasetVersion snapshot version trained on
 * @param snapshotId {@code <dataset>@v<version>}
 * @param trigger {@code event} or {@code api}
 * @param status QUEUED, RUNNING, SUCCEEDED or FAILED
 * @param failureReason why a FAILED run failed
 * @param maxEpochs configured epoch limit
 * @param epochs epochs run (early stopping may end sooner)
 * @param bestEpoch epoch whose weights were kept
 * @param trainCount train samples
 * @param trainLoss mean train loss of the last epoch
 * @param validation metrics on the validation split
 * @param test metrics on the test split
 * @param modelName registered model
 * @param modelVersion registered version
 * @param artifactSha256 digest of the ONNX artifact
 * @param artifactSizeBytes size of the ONNX artifact
 * @param architecture layer layout
 * @param dataReadyEventId causing event, for event-triggered runs
 * @param correlationId loop iteration id
 * @param queuedAt when the run was queued
 * @param startedAt when training started
 * @param finishedAt when the run ended
 * @param trainingSeconds time in the training loop and evaluation
 */
public record TrainingRunView(
        String id,
        String datasetName,
        int datasetVersion,
        String snapshotId,
        String trigger,
        String status,
        String failureReason,
        int maxEpochs,
        Integer epochs,
        Integer bestEpoch,
        Long trainCount,
        Double trainLoss,
        MetricsView validation,
        MetricsView test,
        String modelName,
        Integer modelVersion,
        String artifactSha256,
        Long artifactSizeBytes,
        String architecture,
        String dataReadyEventId,
        String correlationId,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Double trainingSeconds) {

    /**
     * Evaluation figures on one split.
     *
     * @param accuracy fraction correct
     * @param macroF1 mean per-class F1
     * @param loss mean cross-entropy
     * @param sampleCount samples evaluated
     */
    public record MetricsView(double accuracy, double macroF1, double loss, long sampleCount) {}

    /** View of {@code run}. */
    public static TrainingRunView of(TrainingRun run) {
        MetricsView validation = run.validationAccuracy == null
                ? null
                : new MetricsView(
                        run.validationAccuracy, run.validationMacroF1, run.validationLoss, run.validationCount);
        MetricsView test = run.testAccuracy == null
                ? null
                : new MetricsView(run.testAccuracy, run.testMacroF1, run.testLoss, run.testCount);
        return new TrainingRunView(
                run.id,
                run.datasetName,
                run.datasetVersion,
                run.snapshotId,
                run.trigger,
                run.status.name(),
                run.failureReason,
                run.maxEpochs,
                run.epochs,
                run.bestEpoch,
                run.trainCount,
                run.trainLoss,
                validation,
                test,
                run.modelName,
                run.modelVersion,
                run.artifactSha256,
                run.artifactSizeBytes,
                run.architecture,
                run.dataReadyEventId,
                run.correlationId,
                run.queuedAt,
                run.startedAt,
                run.finishedAt,
                run.trainingSeconds);
    }
}
