package io.edgeloop.training.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.training.domain.Reports;
import io.edgeloop.training.domain.TrainingPipeline;
import io.edgeloop.training.persistence.TrainingRun;
import java.time.Instant;
import java.util.List;

/**
 * JSON view of a training run.
 *
 * @param id run id
 * @param datasetName dataset (= model name)
 * @param datasetVersion snapshot version trained on
 * @param snapshotId {@code <dataset>@v<version>}
 * @param trigger {@code event} or {@code api}
 * @param requestedBy who started the run: the caller for {@code api} runs, {@code training-service} for event runs
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
 * @param dataKind the dataset's data kind
 * @param sampleShape the dataset's declared sample shape (empty = flat)
 * @param inputShape the model's input shape without the batch dimension
 * @param requestedSpec the spec requested (null = defaults)
 * @param spec the spec trained with, defaults filled in
 * @param parameterCount trainable values of the model
 * @param progress last finished epoch of a run (while it runs and after)
 * @param attempt the job attempt training the run now (or that trained it), from 1; its epochs are the run's learning
 *     curve ({@code GET /training-runs/{id}/epochs}); null before the first attempt started
 * @param distillation for a distilling run (spec {@code distillationTemperature > 0}): temperature, alpha, the teacher
 *     and the student trained alone; the run's own metrics and model are the distilled student's. Null otherwise
 */
public record TrainingRunView(
        String id,
        String datasetName,
        int datasetVersion,
        String snapshotId,
        String trigger,
        String requestedBy,
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
        Double trainingSeconds,
        String dataKind,
        List<Integer> sampleShape,
        List<Integer> inputShape,
        JsonNode requestedSpec,
        JsonNode spec,
        Long parameterCount,
        ProgressView progress,
        Integer attempt,
        Reports.RunDistillationReport distillation) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Evaluation figures on one split.
     *
     * @param accuracy fraction correct
     * @param macroF1 mean per-class F1
     * @param loss mean cross-entropy
     * @param sampleCount samples evaluated
     * @param perClass precision, recall, F1 and support per class (runs trained since per-class metrics exist)
     * @param confusionMatrix [true class][predicted class] counts
     */
    public record MetricsView(
            double accuracy,
            double macroF1,
            double loss,
            long sampleCount,
            List<Reports.ClassReport> perClass,
            long[][] confusionMatrix) {}

    /**
     * The last finished epoch.
     *
     * @param epoch 1-based epoch
     * @param maxEpochs epoch limit
     * @param trainLoss mean train loss of the epoch
     * @param validationLoss validation loss after it
     * @param validationAccuracy validation accuracy after it
     * @param phase in a distilling run, the training it belongs to ({@code teacher}, {@code student-alone},
     *     {@code student}); null for a plain run
     */
    public record ProgressView(
            int epoch,
            int maxEpochs,
            double trainLoss,
            double validationLoss,
            double validationAccuracy,
            String phase) {}

    /** View of {@code run}. */
    public static TrainingRunView of(TrainingRun run) {
        Reports.MetricsReport vd = read(run.validationDetail, Reports.MetricsReport.class);
        Reports.MetricsReport td = read(run.testDetail, Reports.MetricsReport.class);
        MetricsView validation = run.validationAccuracy == null
                ? null
                : new MetricsView(
                        run.validationAccuracy,
                        run.validationMacroF1,
                        run.validationLoss,
                        run.validationCount,
                        vd == null ? null : vd.perClass(),
                        vd == null ? null : vd.confusionMatrix());
        MetricsView test = run.testAccuracy == null
                ? null
                : new MetricsView(
                        run.testAccuracy,
                        run.testMacroF1,
                        run.testLoss,
                        run.testCount,
                        td == null ? null : td.perClass(),
                        td == null ? null : td.confusionMatrix());
        ProgressView progress = run.progressEpoch == null
                ? null
                : new ProgressView(
                        run.progressEpoch,
                        run.maxEpochs,
                        run.progressTrainLoss,
                        run.progressValidationLoss,
                        run.progressValidationAccuracy,
                        run.progressPhase);
        return new TrainingRunView(
                run.id,
                run.datasetName,
                run.datasetVersion,
                run.snapshotId,
                run.trigger,
                run.requestedBy,
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
                run.trainingSeconds,
                run.dataKind,
                run.sampleShape == null ? null : TrainingPipeline.parseShape(run.sampleShape),
                run.inputShape == null ? null : TrainingPipeline.parseShape(run.inputShape),
                read(run.requestedSpec, JsonNode.class),
                read(run.spec, JsonNode.class),
                run.parameterCount,
                progress,
                run.attempt,
                read(run.distillationDetail, Reports.RunDistillationReport.class));
    }

    private static <T> T read(String value, Class<T> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse as " + type.getSimpleName(), e);
        }
    }
}
