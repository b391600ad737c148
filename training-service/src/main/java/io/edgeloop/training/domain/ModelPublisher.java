package io.edgeloop.training.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.training.grpc.RegistryClient;
import io.edgeloop.training.persistence.TrainingRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The end of a training run: exports the trained model to ONNX, uploads and registers it (one version per run id),
 * then marks the run SUCCEEDED and enqueues {@code ModelTrained} in one transaction that also completes the job.
 */
@ApplicationScoped
public class ModelPublisher {
    private static final Logger LOG = Logger.getLogger(ModelPublisher.class);
    private static final String SERVICE = "training-service";
    private static final String MEDIA_TYPE = "application/onnx";

    @Inject
    RegistryClient registry;

    @Inject
    Outbox outbox;

    @Inject
    Jobs jobs;

    @Inject
    ObjectMapper json;

    private final OnnxExporter exporter = new OnnxExporter();

    /** An exported and registered model. */
    private record Registered(byte[] onnx, String sha256, int version) {}

    /**
     * Exports, uploads and registers {@code model}, then marks the run SUCCEEDED and enqueues ModelTrained.
     *
     * @param distilled the distillation {@code model} is the student of, null for a plain run
     */
    TrainingRun publish(
            TrainingPipeline.RunRequest job, SnapshotInfo info, TrainedModel model, Distiller.Trained distilled) {
        Registered r = register(job, info, model, distilled);
        LOG.infof(
                "run %s: %s v%d trained on %s in %d epochs, test accuracy %.4f, macro F1 %.4f",
                job.runId(),
                info.getDatasetName(),
                r.version(),
                info.getSnapshotId(),
                model.epochs(),
                model.test().accuracy(),
                model.test().macroF1());
        return QuarkusTransaction.requiringNew().call(() -> {
            jobs.complete(job.claim()); // rolls the run's result back if another worker took the job over
            TrainingRun run = TrainingRun.findById(job.runId());
            record(run, info, model, distilled, r);
            EventMeta meta =
                    job.cause() != null ? Events.causedBy(SERVICE, job.cause()) : Events.newMeta(SERVICE, "", "");
            run.correlationId = meta.getCorrelationId();
            outbox.enqueue(
                    Topics.MODEL_TRAINED, info.getDatasetName(), meta, event(meta, job, info, model, distilled, r));
            return run;
        });
    }

    private Registered register(
            TrainingPipeline.RunRequest job, SnapshotInfo info, TrainedModel model, Distiller.Trained distilled) {
        String modelName = info.getDatasetName();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model_name", modelName);
        metadata.put("dataset_name", info.getDatasetName());
        metadata.put("dataset_version", Integer.toString(info.getVersion()));
        metadata.put("snapshot_id", info.getSnapshotId());
        metadata.put("content_hash", info.getContentHash());
        metadata.put("training_run_id", job.runId());
        metadata.put("architecture", model.architecture());
        metadata.put("spec", toJson(Reports.SpecReport.of(model.spec())));
        byte[] onnx = exporter.export(model, modelName, metadata);
        String sha256 = Hashing.sha256Hex(onnx);
        registry.upload(onnx, sha256, MEDIA_TYPE);
        int parent = registry.latestVersion(modelName);
        String correlationId = job.cause() != null ? job.cause().getCorrelationId() : "";
        ModelVersion version = registry.register(RegisterVersionRequest.newBuilder()
                .setModelName(modelName)
                .setArtifactSha256(sha256)
                .setLineage(Lineage.newBuilder()
                        .setDatasetName(info.getDatasetName())
                        .setDatasetVersion(info.getVersion())
                        .setSnapshotId(info.getSnapshotId())
                        .setTrainingRunId(job.runId())
                        .setParentVersion(parent)
                        .setCorrelationId(correlationId))
                .putAllMetrics(metrics(model, distilled))
                .addAllClassLabels(model.classLabels())
                .setFeatureCount(model.featureCount())
                .setArchitecture(model.architecture())
                .setIdempotencyKey(job.runId())
                .build());
        return new Registered(onnx, sha256, version.getVersion());
    }

    /** The registry metrics of a trained model (and of its teacher and baseline when distilled). */
    static Map<String, Double> metrics(TrainedModel model, Distiller.Trained distilled) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_accuracy", model.test().accuracy());
        metrics.put("test_macro_f1", model.test().macroF1());
        metrics.put("test_loss", model.test().loss());
        metrics.put("validation_accuracy", model.validation().accuracy());
        metrics.put("validation_macro_f1", model.validation().macroF1());
        metrics.put("validation_loss", model.validation().loss());
        metrics.put("train_loss", model.finalTrainLoss());
        metrics.put("epochs", (double) model.epochs());
        metrics.put("best_epoch", (double) model.bestEpoch());
        metrics.put("train_count", (double) model.trainSampleCount());
        metrics.put("training_seconds", model.trainingSeconds());
        metrics.put("parameter_count", (double) model.parameterCount());
        if (distilled != null) {
            metrics.put("teacher_test_accuracy", distilled.teacher().test().accuracy());
            metrics.put("teacher_parameter_count", (double) distilled.teacher().parameterCount());
            metrics.put(
                    "student_alone_test_accuracy", distilled.baseline().test().accuracy());
            metrics.put("distillation_temperature", distilled.temperature());
            metrics.put("distillation_alpha", distilled.alpha());
        }
        return metrics;
    }

    private void record(
            TrainingRun run, SnapshotInfo info, TrainedModel model, Distiller.Trained distilled, Registered r) {
        run.status = TrainingRun.Status.SUCCEEDED;
        run.finishedAt = Instant.now();
        run.datasetVersion = info.getVersion();
        run.snapshotId = info.getSnapshotId();
        run.epochs = model.epochs();
        run.bestEpoch = model.bestEpoch();
        run.trainCount = model.trainSampleCount();
        run.trainLoss = model.finalTrainLoss();
        run.validationAccuracy = model.validation().accuracy();
        run.validationMacroF1 = model.validation().macroF1();
        run.validationLoss = model.validation().loss();
        run.validationCount = model.validation().sampleCount();
        run.testAccuracy = model.test().accuracy();
        run.testMacroF1 = model.test().macroF1();
        run.testLoss = model.test().loss();
        run.testCount = model.test().sampleCount();
        run.modelVersion = r.version();
        run.artifactSha256 = r.sha256();
        run.artifactSizeBytes = (long) r.onnx().length;
        run.architecture = model.architecture();
        run.trainingSeconds = model.trainingSeconds();
        run.spec = toJson(Reports.SpecReport.of(model.spec()));
        run.inputShape = TrainingPipeline.formatShape(model.inputShape());
        run.parameterCount = model.parameterCount();
        run.validationDetail = toJson(Reports.MetricsReport.of(model.validation(), model.classLabels()));
        run.testDetail = toJson(Reports.MetricsReport.of(model.test(), model.classLabels()));
        run.distillationDetail = distilled == null ? null : toJson(Reports.RunDistillationReport.of(distilled));
    }

    private static ModelTrained event(
            EventMeta meta,
            TrainingPipeline.RunRequest job,
            SnapshotInfo info,
            TrainedModel model,
            Distiller.Trained distilled,
            Registered r) {
        ModelTrained.Builder event = ModelTrained.newBuilder()
                .setMeta(meta)
                .setModelName(info.getDatasetName())
                .setModelVersion(r.version())
                .setTrainingRunId(job.runId())
                .setDatasetName(info.getDatasetName())
                .setDatasetVersion(info.getVersion())
                .setSnapshotId(info.getSnapshotId())
                .setArtifactSha256(r.sha256())
                .setArtifactSizeBytes(r.onnx().length)
                .setArchitecture(model.architecture())
                .setTestMetrics(Reports.toProto(model.test(), model.classLabels()))
                .setValidationMetrics(Reports.toProto(model.validation(), model.classLabels()))
                .setSpec(model.spec().toProto())
                .addAllSampleShape(model.inputShape())
                .setParameterCount(model.parameterCount())
                .setFeatureCount(model.featureCount())
                .addAllClassLabels(model.classLabels())
                .setEpochs(model.epochs())
                .setTrainingSeconds(model.trainingSeconds());
        if (distilled != null) {
            event.setDistillation(Reports.toProto(distilled));
        }
        return event.build();
    }

    /** JSON of a report, or of a requested spec as the API took it. */
    String toJson(Object spec) {
        try {
            if (spec instanceof TrainingSpec t) {
                return json.writeValueAsString(RequestedSpecs.asMap(t));
            }
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + spec, e);
        }
    }
}
