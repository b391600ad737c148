package io.edgeloop.training.domain;

import ai.djl.engine.Engine;
import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.Metrics;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.training.config.TrainingConfig;
import io.edgeloop.training.grpc.DatasetClient;
import io.edgeloop.training.grpc.GrpcRetry;
import io.edgeloop.training.grpc.RegistryClient;
import io.edgeloop.training.persistence.TrainingRun;
import io.opentelemetry.context.Context;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The training workflow shared by DataReady events and on-demand REST requests: fetch the snapshot, train and
 * evaluate, export ONNX, upload and register it, then mark the run SUCCEEDED and enqueue ModelTrained in one
 * transaction. Runs execute one at a time on a single trainer thread.
 */
@ApplicationScoped
public class TrainingPipeline {
    /** Inbox consumer name of the DataReady handler. */
    public static final String CONSUMER = "training-service/data-ready";

    private static final Logger LOG = Logger.getLogger(TrainingPipeline.class);
    private static final String SERVICE = "training-service";
    private static final String MEDIA_TYPE = "application/onnx";

    @Inject
    TrainingConfig config;

    @Inject
    DatasetClient datasets;

    @Inject
    RegistryClient registry;

    @Inject
    Outbox outbox;

    @Inject
    Inbox inbox;

    private final MlpTrainer trainer = new MlpTrainer();
    private final OnnxExporter exporter = new OnnxExporter();
    private ExecutorService executor;
    private volatile String engineStatus = "loading";
    private volatile boolean engineReady;

    /** What to train and where the request came from. */
    record Job(
            String runId,
            String datasetName,
            int datasetVersion,
            String expectedSnapshotId,
            String expectedContentHash,
            EventMeta cause) {}

    void onStart(@Observes StartupEvent event) {
        MlpTrainer.configureDjl();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trainer");
            t.setDaemon(true);
            return t;
        });
        Instant boot = Instant.now();
        int orphaned = QuarkusTransaction.requiringNew()
                .call(() -> TrainingRun.update(
                        "status = ?1, failureReason = ?2, finishedAt = ?3 where status in ?4 and queuedAt < ?5",
                        TrainingRun.Status.FAILED,
                        "the service stopped before the run finished",
                        boot,
                        List.of(TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING),
                        boot));
        if (orphaned > 0) {
            LOG.warnf("marked %d unfinished training runs of a previous process as FAILED", orphaned);
        }
        // load (and on first use extract) the native PyTorch library before the first run needs it
        executor.submit(() -> {
            try {
                Engine engine = Engine.getEngine(MlpTrainer.ENGINE);
                engineStatus = engine.getEngineName() + " " + engine.getVersion();
                engineReady = true;
            } catch (RuntimeException | Error e) {
                engineStatus = "failed to load: " + e;
                LOG.error("DJL PyTorch engine failed to load", e);
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the DJL engine is loaded, and its name/version or load failure. */
    public boolean engineReady() {
        return engineReady;
    }

    public String engineStatus() {
        return engineStatus;
    }

    /** Deterministic run id of the run a DataReady event triggers: redeliveries map to the same run. */
    public static String runIdFor(String dataReadyEventId) {
        return UUID.nameUUIDFromBytes(("training-run/" + dataReadyEventId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * Trains the snapshot a DataReady event announces and waits for the run to finish. A run that fails for a
     * permanent reason is recorded as FAILED and the event counts as processed; a transient failure (a gRPC peer
     * still unavailable after retries) is rethrown so the record goes to the dead-letter topic.
     */
    public TrainingRun trainForEvent(DataReady event) {
        EventMeta meta = event.getMeta();
        String runId = runIdFor(meta.getEventId());
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingRun run = TrainingRun.findById(runId);
            if (run == null) {
                run = new TrainingRun();
                run.id = runId;
            }
            queue(run, event.getDatasetName(), event.getDatasetVersion(), "event");
            run.snapshotId = event.getSnapshotId();
            run.dataReadyEventId = meta.getEventId();
            run.correlationId = meta.getCorrelationId();
            run.persist();
        });
        Job job = new Job(
                runId,
                event.getDatasetName(),
                event.getDatasetVersion(),
                event.getSnapshotId(),
                event.getContentHash(),
                meta);
        // the trainer thread continues the consumer's trace (gRPC calls, the outbox row)
        Future<TrainingRun> done = executor.submit(Context.current().wrap(() -> execute(job)));
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training " + event.getSnapshotId(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Queues an on-demand run of a snapshot and returns it at once (status QUEUED); it runs after the runs
     * before it.
     *
     * @param datasetVersion snapshot version, 0 = latest
     * @throws io.edgeloop.training.grpc.SnapshotNotFoundException when data-service does not know the snapshot
     */
    public TrainingRun submit(String datasetName, int datasetVersion) {
        SnapshotInfo info = datasets.snapshot(datasetName, datasetVersion);
        String runId = UUID.randomUUID().toString();
        TrainingRun queued = QuarkusTransaction.requiringNew().call(() -> {
            TrainingRun run = new TrainingRun();
            run.id = runId;
            queue(run, info.getDatasetName(), info.getVersion(), "api");
            run.snapshotId = info.getSnapshotId();
            run.persist();
            return run;
        });
        Job job = new Job(
                runId, info.getDatasetName(), info.getVersion(), info.getSnapshotId(), info.getContentHash(), null);
        executor.submit(Context.current().wrap(() -> {
            try {
                execute(job);
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "on-demand training run %s failed", runId);
            }
        }));
        return queued;
    }

    private void queue(TrainingRun run, String datasetName, int version, String trigger) {
        run.datasetName = datasetName;
        run.datasetVersion = version;
        run.modelName = datasetName;
        run.trigger = trigger;
        run.status = TrainingRun.Status.QUEUED;
        run.failureReason = null;
        run.maxEpochs = config.maxEpochs();
        run.queuedAt = Instant.now();
        run.startedAt = null;
        run.finishedAt = null;
    }

    /**
     * The run itself, on the trainer thread. A permanent failure is recorded and returned as a FAILED run; a
     * transient one is recorded and rethrown.
     */
    TrainingRun execute(Job job) {
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingRun run = TrainingRun.findById(job.runId());
            run.status = TrainingRun.Status.RUNNING;
            run.startedAt = Instant.now();
        });
        try {
            SnapshotInfo info = datasets.snapshot(job.datasetName(), job.datasetVersion());
            if (job.expectedSnapshotId() != null
                    && !job.expectedSnapshotId().isBlank()
                    && !job.expectedSnapshotId().equals(info.getSnapshotId())) {
                throw new IllegalStateException("data-service returned snapshot " + info.getSnapshotId()
                        + " for requested " + job.expectedSnapshotId());
            }
            if (job.expectedContentHash() != null
                    && !job.expectedContentHash().isBlank()
                    && !job.expectedContentHash().equals(info.getContentHash())) {
                throw new IllegalStateException("content hash of snapshot " + info.getSnapshotId() + " is "
                        + info.getContentHash() + ", the event announced " + job.expectedContentHash());
            }
            TrainingData data = datasets.fetch(info);
            Hyperparameters hp = new Hyperparameters(
                    config.maxEpochs(),
                    config.patience(),
                    config.batchSize(),
                    config.hiddenUnits(),
                    config.learningRate(),
                    config.seed());
            try (TrainedModel model = trainer.train(data, hp)) {
                return publish(job, info, model);
            }
        } catch (RuntimeException | Error e) {
            boolean transientFailure = GrpcRetry.isTransient(e);
            String reason = (transientFailure ? "transient: " : "") + describe(e);
            LOG.errorf("training run %s of %s failed: %s", job.runId(), job.datasetName(), reason);
            QuarkusTransaction.requiringNew().run(() -> {
                TrainingRun run = TrainingRun.findById(job.runId());
                run.status = TrainingRun.Status.FAILED;
                run.failureReason = reason.length() > 2000 ? reason.substring(0, 2000) : reason;
                run.finishedAt = Instant.now();
                if (!transientFailure && !(e instanceof Error) && job.cause() != null) {
                    // a permanent failure: redelivery would fail the same way
                    inbox.firstDelivery(CONSUMER, job.cause().getEventId());
                }
            });
            if (transientFailure || e instanceof Error) {
                throw e;
            }
            return QuarkusTransaction.requiringNew().call(() -> TrainingRun.<TrainingRun>findById(job.runId()));
        }
    }

    private TrainingRun publish(Job job, SnapshotInfo info, TrainedModel model) {
        String modelName = info.getDatasetName();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model_name", modelName);
        metadata.put("dataset_name", info.getDatasetName());
        metadata.put("dataset_version", Integer.toString(info.getVersion()));
        metadata.put("snapshot_id", info.getSnapshotId());
        metadata.put("content_hash", info.getContentHash());
        metadata.put("training_run_id", job.runId());
        metadata.put("architecture", model.architecture());
        byte[] onnx = exporter.export(model, modelName, metadata);
        String sha256 = Hashing.sha256Hex(onnx);
        registry.upload(onnx, sha256, MEDIA_TYPE);
        int parent = registry.latestVersion(modelName);
        String correlationId = job.cause() != null ? job.cause().getCorrelationId() : "";
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
                .putAllMetrics(metrics)
                .addAllClassLabels(model.classLabels())
                .setFeatureCount(model.featureCount())
                .setArchitecture(model.architecture())
                .setIdempotencyKey(job.runId())
                .build());
        LOG.infof(
                "run %s: %s v%d trained on %s in %d epochs, test accuracy %.4f, macro F1 %.4f",
                job.runId(),
                modelName,
                version.getVersion(),
                info.getSnapshotId(),
                model.epochs(),
                model.test().accuracy(),
                model.test().macroF1());
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean first = job.cause() == null
                    || inbox.firstDelivery(CONSUMER, job.cause().getEventId());
            TrainingRun run = TrainingRun.findById(job.runId());
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
            run.modelVersion = version.getVersion();
            run.artifactSha256 = sha256;
            run.artifactSizeBytes = (long) onnx.length;
            run.architecture = model.architecture();
            run.trainingSeconds = model.trainingSeconds();
            if (!first) {
                LOG.infof(
                        "DataReady %s was processed concurrently; not emitting ModelTrained twice",
                        job.cause().getEventId());
                return run;
            }
            EventMeta meta =
                    job.cause() != null ? Events.causedBy(SERVICE, job.cause()) : Events.newMeta(SERVICE, "", "");
            run.correlationId = meta.getCorrelationId();
            ModelTrained event = ModelTrained.newBuilder()
                    .setMeta(meta)
                    .setModelName(modelName)
                    .setModelVersion(version.getVersion())
                    .setTrainingRunId(job.runId())
                    .setDatasetName(info.getDatasetName())
                    .setDatasetVersion(info.getVersion())
                    .setSnapshotId(info.getSnapshotId())
                    .setArtifactSha256(sha256)
                    .setArtifactSizeBytes(onnx.length)
                    .setArchitecture(model.architecture())
                    .setTestMetrics(metrics(model.test()))
                    .setValidationMetrics(metrics(model.validation()))
                    .setFeatureCount(model.featureCount())
                    .addAllClassLabels(model.classLabels())
                    .setEpochs(model.epochs())
                    .setTrainingSeconds(model.trainingSeconds())
                    .build();
            outbox.enqueue(Topics.MODEL_TRAINED, modelName, meta, event);
            return run;
        });
    }

    private static Metrics metrics(EvaluationMetrics m) {
        return Metrics.newBuilder()
                .setAccuracy(m.accuracy())
                .setMacroF1(m.macroF1())
                .setLoss(m.loss())
                .setSampleCount(m.sampleCount())
                .build();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
