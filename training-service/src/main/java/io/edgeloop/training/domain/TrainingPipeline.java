package io.edgeloop.training.domain;

import ai.djl.engine.Engine;
import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.jobs.LeaseLostException;
import io.edgeloop.kit.jobs.PermanentJobFailure;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.config.TrainingConfig;
import io.edgeloop.training.grpc.DatasetClient;
import io.edgeloop.training.grpc.GrpcRetry;
import io.edgeloop.training.impulse.ImpulseConfig;
import io.edgeloop.training.persistence.TrainingRun;
import io.opentelemetry.context.Context;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The training workflow shared by DataReady events and on-demand REST requests: fetch the snapshot, train and
 * evaluate (with a distillation temperature in the spec: a teacher, the student alone and the distilled student, which
 * is the model shipped), export ONNX, upload and register it, then mark the run SUCCEEDED and enqueue ModelTrained in
 * one transaction. Runs execute one at a time on a single trainer thread.
 */
@ApplicationScoped
public class TrainingPipeline {
    /** Kind of the durable job that trains one run. */
    public static final String JOB_KIND = "train";

    private static final Logger LOG = Logger.getLogger(TrainingPipeline.class);
    private static final String SERVICE = "training-service";

    @Inject
    TrainingConfig config;

    @Inject
    DatasetClient datasets;

    @Inject
    Jobs jobs;

    @Inject
    ProgressHub progress;

    @Inject
    ModelPublisher publisher;

    @Inject
    EpochHistory history;

    @Inject
    CompactModels compact;

    private ExecutorService executor;
    private volatile String engineStatus = "loading";
    private volatile boolean engineReady;

    /**
     * What to train and where the request came from.
     *
     * @param spec requested training spec (unset fields = defaults)
     * @param dataKind declared data kind (blank = features)
     * @param sampleShape declared sample shape (empty = flat)
     */
    record RunRequest(
            String runId,
            String datasetName,
            int datasetVersion,
            String expectedSnapshotId,
            String expectedContentHash,
            EventMeta cause,
            TrainingSpec spec,
            String dataKind,
            List<Integer> sampleShape,
            Job claim) {}

    /**
     * How a dataset's samples are shaped.
     *
     * @param dataKind data kind wire name
     * @param sampleShape declared shape, empty = flat
     */
    public record DeclaredLayout(String dataKind, List<Integer> sampleShape) {}

    void onStart(@Observes StartupEvent event) {
        ClassifierTrainer.configureDjl();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trainer");
            t.setDaemon(true);
            return t;
        });
        // load (and on first use extract) the native PyTorch library before the first run needs it
        executor.submit(() -> {
            try {
                Engine engine = Engine.getEngine(ClassifierTrainer.ENGINE);
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

    /** The defaults every spec is completed with ({@code edgeloop.training.*}; an MLP). */
    public ModelSpec defaults() {
        return ModelSpec.builder(Architecture.MLP, List.of(config.hiddenUnits(), config.hiddenUnits()))
                .epochs(config.maxEpochs(), config.patience())
                .batchSize(config.batchSize())
                .learningRate(config.learningRate())
                .optimizer(ModelSpec.OptimizerKind.valueOf(
                        config.optimizer().trim().toUpperCase(Locale.ROOT)))
                .schedule(ModelSpec.Schedule.valueOf(config.lrSchedule().trim().toUpperCase(Locale.ROOT)))
                .seed(config.seed())
                .build();
    }

    /**
     * Runs {@code work} on the trainer thread, after the work queued before it (one training at a time).
     *
     * @return its completion
     */
    public <T> Future<T> enqueue(Callable<T> work) {
        return executor.submit(Context.current().wrap(work));
    }

    /**
     * The data kind and sample shape of a snapshot's dataset, as data-service declares them; for a data-service that
     * does not send them (older than the field), as last declared to this service by a DataReady event or a request,
     * else flat features.
     */
    public DeclaredLayout layoutOf(SnapshotInfo info) {
        if (!info.getDataKind().isBlank()) {
            return new DeclaredLayout(info.getDataKind(), info.getSampleShapeList());
        }
        return QuarkusTransaction.requiringNew()
                .call(() -> TrainingRun.<TrainingRun>find(
                                "datasetName = ?1 and dataKind is not null",
                                io.quarkus.panache.common.Sort.descending("queuedAt"),
                                info.getDatasetName())
                        .firstResultOptional()
                        .map(r -> new DeclaredLayout(r.dataKind, parseShape(r.sampleShape)))
                        .orElse(new DeclaredLayout(DataKind.FEATURES.wireName(), List.of())));
    }

    /** Parses a comma-separated shape; blank = empty. */
    public static List<Integer> parseShape(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList();
    }

    /** Comma-separated form of a shape. */
    public static String formatShape(List<Integer> shape) {
        return String.join(",", shape.stream().map(String::valueOf).toList());
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
     * Records the run a DataReady event asks for (QUEUED) and enqueues its durable job, in the caller's transaction
     * (the one that marks the event processed): the run is trained even if this process dies before it starts.
     *
     * @return the run's id
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String queueForEvent(DataReady event) {
        EventMeta meta = event.getMeta();
        String runId = runIdFor(meta.getEventId());
        TrainingRun run = TrainingRun.findById(runId);
        if (run == null) {
            run = new TrainingRun();
            run.id = runId;
        }
        queue(run, event.getDatasetName(), event.getDatasetVersion(), "event");
        run.requestedBy = SERVICE;
        run.snapshotId = event.getSnapshotId();
        run.dataKind = event.getDataKind().isBlank() ? DataKind.FEATURES.wireName() : event.getDataKind();
        run.sampleShape = formatShape(event.getSampleShapeList());
        run.requestedSpec = event.hasTrainingSpec() ? toJson(event.getTrainingSpec()) : null;
        run.dataReadyEventId = meta.getEventId();
        run.correlationId = meta.getCorrelationId();
        run.persist();
        jobs.enqueue(JOB_KIND, runId, event.toByteArray());
        return runId;
    }

    /**
     * Runs one attempt of a {@code train} job on the trainer thread (one training at a time per process) and waits
     * for it. The job's payload is the DataReady event (for API runs, one without metadata). An attempt after a
     * crash starts the run over; the registry registers one version per run id.
     *
     * @throws PermanentJobFailure when the run failed for a reason retrying cannot fix (it is recorded FAILED)
     */
    public void runJob(Job claim) throws InterruptedException {
        DataReady request;
        try {
            request = DataReady.parseFrom(claim.payload());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new PermanentJobFailure("job payload is not a DataReady request");
        }
        EventMeta cause = request.getMeta().getEventId().isBlank() ? null : request.getMeta();
        RunRequest job = new RunRequest(
                claim.key(),
                request.getDatasetName(),
                request.getDatasetVersion(),
                request.getSnapshotId(),
                request.getContentHash(),
                cause,
                request.getTrainingSpec(),
                request.getDataKind(),
                request.getSampleShapeList(),
                claim);
        // the trainer thread continues the job's trace (gRPC calls, the outbox row)
        Future<TrainingRun> done = executor.submit(Context.current().wrap(() -> execute(job)));
        TrainingRun run;
        try {
            run = done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            done.cancel(true);
            throw e;
        }
        if (run.status == TrainingRun.Status.FAILED) {
            throw new PermanentJobFailure(run.failureReason == null ? "the run failed" : run.failureReason);
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
        return submit(datasetName, datasetVersion, null, null, null, SERVICE);
    }

    /**
     * Queues an on-demand run with a training spec and the dataset's sample layout.
     *
     * @param spec requested spec, null = defaults
     * @param dataKind data kind, null = the dataset's (see {@link #layoutOf})
     * @param sampleShape sample shape, null = the dataset's
     * @param requestedBy who asked for the run (the authenticated caller's subject)
     */
    public TrainingRun submit(
            String datasetName,
            int datasetVersion,
            TrainingSpec spec,
            String dataKind,
            List<Integer> sampleShape,
            String requestedBy) {
        SnapshotInfo info = datasets.snapshot(datasetName, datasetVersion);
        DeclaredLayout declared = layoutOf(info);
        String kind = dataKind != null ? dataKind : declared.dataKind();
        List<Integer> shape = sampleShape != null ? sampleShape : dataKind != null ? List.of() : declared.sampleShape();
        // an impulse without a rate takes the snapshot's, as data-service fills it into snapshot-started runs
        TrainingSpec requested = ImpulseConfig.withRateIfMissing(
                spec == null ? TrainingSpec.getDefaultInstance() : spec, info.getSampleRateHz());
        List<FieldProblem> unfit = SpecFit.problems(requested, kind, shape, info.getFeatureCount(), "spec.");
        if (!unfit.isEmpty()) {
            throw new InvalidSpecException(unfit);
        }
        String runId = UUID.randomUUID().toString();
        DataReady request = DataReady.newBuilder()
                .setDatasetName(info.getDatasetName())
                .setDatasetVersion(info.getVersion())
                .setSnapshotId(info.getSnapshotId())
                .setContentHash(info.getContentHash())
                .setTrainingSpec(requested)
                .setDataKind(kind)
                .addAllSampleShape(shape)
                .build();
        TrainingRun queued = QuarkusTransaction.requiringNew().call(() -> {
            TrainingRun run = new TrainingRun();
            run.id = runId;
            queue(run, info.getDatasetName(), info.getVersion(), "api");
            run.requestedBy = requestedBy;
            run.snapshotId = info.getSnapshotId();
            run.dataKind = kind;
            run.sampleShape = formatShape(shape);
            run.requestedSpec = spec == null ? null : toJson(spec);
            run.persist();
            jobs.enqueue(JOB_KIND, runId, request.toByteArray());
            return run;
        });
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
        run.progressEpoch = null;
        run.progressTrainLoss = null;
        run.progressValidationLoss = null;
        run.progressValidationAccuracy = null;
        run.progressPhase = null;
        run.distillationDetail = null;
    }

    /**
     * The run itself, on the trainer thread. A permanent failure is recorded and returned as a FAILED run; a
     * transient one is recorded and rethrown.
     */
    TrainingRun execute(RunRequest job) {
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingRun run = TrainingRun.findById(job.runId());
            if (job.claim().isRetry()) {
                // an earlier attempt failed or died mid-run: start over from the snapshot
                queue(run, run.datasetName, run.datasetVersion, run.trigger);
            }
            run.status = TrainingRun.Status.RUNNING;
            run.startedAt = Instant.now();
            run.attempt = job.claim().attempt();
        });
        progress.publish(new ProgressHub.ProgressEvent("status", job.runId(), "RUNNING", null, null, null, null, null));
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
            DataKind kind = DataKind.parse(job.dataKind());
            ModelSpec spec = ModelSpec.resolve(job.spec(), kind, defaults());
            TrainingData data = datasets.fetch(info);
            if (job.spec().getDistillationTemperature() > 0) {
                try (Distiller.Trained distilled =
                        compact.distill(job, spec, data, kind, new Distiller.PhaseListener() {
                            @Override
                            public void onEpoch(Distiller.Phase phase, EpochStats stats) {
                                epoch(job, phase.wireName(), stats, Double.NaN);
                            }

                            @Override
                            public void onEpoch(Distiller.Phase phase, EpochStats stats, double seconds) {
                                epoch(job, phase.wireName(), stats, seconds);
                            }
                        })) {
                    TrainingRun done = publisher.publish(job, info, distilled.student(), distilled);
                    return succeeded(done, Distiller.Phase.STUDENT.wireName());
                }
            }
            if (!job.spec().getTargetProfile().isBlank()) {
                spec = spec.withLayers(spec.architecture(), compact.searchUnits(job, spec, data, kind));
            }
            try (TrainedModel model = ClassifierTrainer.forSamples(
                            spec, kind, job.sampleShape(), data.featureCount(), data.classLabels())
                    .onEpoch(EpochListener.timed((stats, seconds) -> epoch(job, null, stats, seconds)))
                    .train(data)) {
                return succeeded(publisher.publish(job, info, model, null), null);
            }
        } catch (LeaseLostException e) {
            throw e; // another worker runs this job now: leave the run to it
        } catch (RuntimeException | Error e) {
            return failed(job, e);
        }
    }

    /**
     * Records a failed attempt. A transient failure (a peer unavailable after retries) with attempts left puts the
     * run back to QUEUED and is rethrown so that the job is retried with backoff; otherwise the run is FAILED (and a
     * transient failure is still rethrown so that the job is parked, replayable).
     */
    private TrainingRun failed(RunRequest job, Throwable e) {
        boolean transientFailure = GrpcRetry.isTransient(e) || e instanceof Error;
        boolean retry = transientFailure && !job.claim().isLastAttempt();
        String reason = (transientFailure ? "transient: " : "")
                + describe(e)
                + (retry ? " (attempt " + job.claim().attempt() + ", retrying)" : "");
        LOG.errorf("training run %s of %s failed: %s", job.runId(), job.datasetName(), reason);
        String phase = QuarkusTransaction.requiringNew().call(() -> {
            TrainingRun run = TrainingRun.findById(job.runId());
            run.status = retry ? TrainingRun.Status.QUEUED : TrainingRun.Status.FAILED;
            run.failureReason = reason.length() > 2000 ? reason.substring(0, 2000) : reason;
            run.finishedAt = retry ? null : Instant.now();
            return run.progressPhase;
        });
        String status = retry ? "QUEUED" : "FAILED";
        progress.publish(new ProgressHub.ProgressEvent(
                retry ? "retrying" : "failed", job.runId(), status, null, phase, reason, null, null));
        if (!retry) {
            history.ended(job.runId());
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (transientFailure) {
            throw (RuntimeException) e;
        }
        return QuarkusTransaction.requiringNew().call(() -> TrainingRun.<TrainingRun>findById(job.runId()));
    }

    private TrainingRun succeeded(TrainingRun done, String phase) {
        progress.publish(new ProgressHub.ProgressEvent(
                "succeeded", done.id, "SUCCEEDED", null, phase, null, done.testAccuracy, done.modelVersion));
        history.ended(done.id);
        return done;
    }

    /**
     * After each epoch: stops the run at once when this worker lost the job's lease (another worker runs it now, so
     * this one must neither record progress nor finish), else records the epoch.
     *
     * @throws LeaseLostException when the lease was lost
     */
    private void epoch(RunRequest job, String phase, EpochStats stats, double seconds) {
        if (job.claim().leaseLost()) {
            LOG.warnf("run %s: lease on its job lost at epoch %d, stopping", job.runId(), stats.epoch());
            throw new LeaseLostException(job.claim().id());
        }
        // stored with the attempt (a retried attempt's epochs are kept apart) and the run's progress, then announced
        history.record(job.runId(), job.claim().attempt(), phase, stats, seconds);
        progress.publish(
                new ProgressHub.ProgressEvent("epoch", job.runId(), "RUNNING", stats, phase, null, null, null));
    }

    private String toJson(Object spec) {
        return publisher.toJson(spec);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
