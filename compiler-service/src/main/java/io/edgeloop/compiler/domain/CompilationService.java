package io.edgeloop.compiler.domain;

import ai.onnxruntime.OrtEnvironment;
import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.grpc.DatasetGateway;
import io.edgeloop.compiler.grpc.RegistryGateway;
import io.edgeloop.compiler.onnx.TargetProfile;
import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.compiler.persistence.CompiledVariant;
import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.PromotionEvidence;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs a compilation end to end: downloads the float model (digest verified), fetches the snapshot's validation split,
 * compiles and validates the variants, uploads and registers the accepted ones, then records the compilation and
 * enqueues ModelOptimized in one transaction (with the completion of the durable job for event-triggered ones). Permanent
 * failures are recorded with their reason and emit nothing; a peer that stays unavailable is recorded and rethrown.
 * Compilations run one at a time so that latency figures do not disturb each other.
 */
@ApplicationScoped
public class CompilationService {
    /** Kind of the durable job that compiles one model version. */
    public static final String JOB_KIND = "compile";

    private static final String PRODUCER = "compiler-service";
    private static final Logger LOG = Logger.getLogger(CompilationService.class);

    @Inject
    CompilerConfig config;

    @Inject
    RegistryGateway registry;

    @Inject
    DatasetGateway datasets;

    @Inject
    Jobs jobs;

    @Inject
    Outbox outbox;

    @Inject
    PromotionEvaluator promotions;

    private final ReentrantLock oneAtATime = new ReentrantLock();
    private CompilationEngine engine;
    private Path workRoot;
    private SessionMemoryProbe memoryProbe;

    @PostConstruct
    void init() {
        workRoot = workRoot(config);
        memoryProbe = memoryProbe(config, workRoot);
        engine = engine(config, memoryProbe);
        LOG.infof("peak memory scope: %s", engine.memoryProbeMode().scope());
    }

    /**
     * The engine the configuration asks for, measuring peak memory with {@code probe} when given, else in process
     * unless {@code memory-probe=off}.
     */
    static CompilationEngine engine(CompilerConfig config, SessionMemoryProbe probe) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        CompilerConfig.Validation v = config.validation();
        return new CompilationEngine(
                new OnnxOptimizer(env, config.optimizationLevel(), config.intraOpThreads()),
                new ModelEvaluator(
                        env,
                        config.intraOpThreads(),
                        v.batchSize(),
                        v.warmupRuns(),
                        v.latencyRuns(),
                        probe == null && v.memoryProbe() != MemoryProbeMode.OFF),
                new VariantValidator(config.accuracyBudgetPoints()),
                options(config),
                env,
                probe);
    }

    @PreDestroy
    void close() {
        if (memoryProbe != null) {
            memoryProbe.close();
        }
    }

    /**
     * The isolated memory probe when {@code memory-probe=isolated} and a child JVM can be started here; null otherwise
     * (with {@code isolated}, the fallback to in-process measurement is logged with its reason).
     */
    static SessionMemoryProbe memoryProbe(CompilerConfig config, Path workRoot) {
        CompilerConfig.Validation v = config.validation();
        if (v.memoryProbe() != MemoryProbeMode.ISOLATED) {
            return null;
        }
        try {
            SessionMemoryProbe probe = SessionMemoryProbe.create(
                    workRoot, v.memoryProbeHeap(), v.memoryProbeTimeout(), v.memoryProbeParallelism());
            LOG.infof("peak memory is measured per session in child JVMs: %s", probe.describe());
            return probe;
        } catch (SessionMemoryProbe.UnavailableException e) {
            LOG.warnf(
                    "edgeloop.compiler.validation.memory-probe=isolated cannot run here (%s); peak memory is measured"
                            + " in process instead",
                    e.getMessage());
            return null;
        }
    }

    /** The isolated memory probe, when peak memory is measured that way. */
    public Optional<SessionMemoryProbe> isolatedMemoryProbe() {
        return Optional.ofNullable(memoryProbe);
    }

    /** How peak memory is measured (after any fallback). */
    public MemoryProbeMode memoryProbeMode() {
        return engine.memoryProbeMode();
    }

    /** The engine options the configuration asks for. */
    public static CompilerOptions options(CompilerConfig config) {
        Set<VariantTarget> targets = EnumSet.noneOf(VariantTarget.class);
        for (String id : config.targets()) {
            targets.add(VariantTarget.byId(id.trim())
                    .orElseThrow(() -> new IllegalArgumentException("edgeloop.compiler.targets: unknown variant '"
                            + id + "'; known: "
                            + java.util.Arrays.stream(VariantTarget.values())
                                    .map(VariantTarget::id)
                                    .toList())));
        }
        Map<String, TargetProfile> profiles = new LinkedHashMap<>(TargetProfile.standard());
        config.profiles().forEach((name, o) -> {
            TargetProfile base = profiles.getOrDefault(name, TargetProfile.CPU_FP32);
            profiles.put(
                    name,
                    new TargetProfile(
                            name,
                            o.ramBytes().orElse(base.ramBytes()),
                            o.flashBytes().orElse(base.flashBytes()),
                            o.macsPerMicrosecond().orElse(base.macsPerMicrosecond()),
                            o.activationBytes().orElse(base.activationBytes()),
                            o.weightsInRam().orElse(base.weightsInRam()),
                            o.runtimeOverheadBytes().orElse(base.runtimeOverheadBytes())));
        });
        String activation = config.quantization().activationType().trim().toLowerCase(java.util.Locale.ROOT);
        if (!activation.equals("uint8") && !activation.equals("int8")) {
            throw new IllegalArgumentException(
                    "edgeloop.compiler.quantization.activation-type must be uint8 or int8, not " + activation);
        }
        return new CompilerOptions(
                targets,
                profiles,
                activation.equals("uint8"),
                config.quantization().calibrationMethod(),
                config.quantization().percentile(),
                config.pruning().sparsity(),
                config.quantization().loadOptimizationLevel());
    }

    /** The folder that holds per-compilation scratch folders. */
    public static Path workRoot(CompilerConfig config) {
        return config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "edgeloop-compiler"));
    }

    /**
     * Compiles {@code job}.
     *
     * @return the recorded compilation's id; empty when the job's event had already been processed
     * @throws PeerUnavailableException when the registry or the data service stayed unavailable (recorded as FAILED)
     */
    public Optional<String> compile(CompileJob job) {
        return compile(job, null);
    }

    /**
     * Compiles {@code job} as one attempt of a durable {@code compile} job: the compilation's record and its
     * ModelOptimized commit together with the job's completion (rolled back if another worker took the job over).
     * A permanent failure is recorded and completes the job; a peer that stayed unavailable is rethrown (the job is
     * retried, then parked).
     *
     * @param claim the job attempt, null for a synchronous API compilation
     */
    public Optional<String> compile(CompileJob job, Job claim) {
        oneAtATime.lock();
        String id = UUID.randomUUID().toString();
        Instant started = Instant.now();
        Path dir = null;
        try {
            Files.createDirectories(workRoot);
            dir = Files.createTempDirectory(workRoot, "compilation-");
            Path floatModel = dir.resolve("float.onnx");
            registry.download(job.sourceSha256(), floatModel);
            ValidationSet data = datasets.validationSplit(
                    job.datasetName(), job.datasetVersion(), config.validation().maxSamples());
            EngineResult result = engine.run(floatModel, data, calibration(job, data), dir, job.io(), job.classCount());
            checkClasses(job, result, data);
            Optional<PromotionEvidence> promotion =
                    result.accepted().isEmpty() ? Optional.empty() : promotions.evaluate(job, floatModel, data, dir);
            Map<VariantTarget, ModelVariant> registered = register(id, job, result, data.size());
            return finish(id, job, claim, started, result, data.size(), registered, promotion);
        } catch (CompilationFailure e) {
            String reason = named(e.getMessage(), job, dir);
            LOG.warnf("compilation of %s v%d failed: %s", job.modelName(), job.modelVersion(), reason);
            return recordFailure(id, job, claim, started, reason, true);
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof PeerUnavailableException ? e.getMessage() : e.toString();
            LOG.errorf("compilation of %s v%d failed: %s", job.modelName(), job.modelVersion(), reason);
            recordFailure(id, job, claim, started, reason, false);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new UncheckedIOException((IOException) e);
        } finally {
            deleteTree(dir);
            oneAtATime.unlock();
        }
    }

    /** TRAIN samples to calibrate on; the validation samples when the snapshot has no TRAIN split. */
    private ValidationSet calibration(CompileJob job, ValidationSet validation) {
        if (engine.options().targets().stream().noneMatch(t -> t.method() == VariantTarget.Method.STATIC_INT8)) {
            return validation;
        }
        try {
            return datasets.split(
                    job.datasetName(),
                    job.datasetVersion(),
                    Split.TRAIN,
                    config.quantization().calibrationSamples());
        } catch (CompilationFailure e) {
            LOG.warnf("calibrating %s on its validation split: %s", job.modelName(), e.getMessage());
            return validation;
        }
    }

    /** {@code message} with the scratch folder and the float model's file name replaced by the model's name. */
    static String named(String message, CompileJob job, Path dir) {
        String name = "model " + job.modelName() + " v" + job.modelVersion();
        String m = message;
        if (dir != null) {
            m = m.replace(dir.resolve("float.onnx").toAbsolutePath().toString(), name)
                    .replace(dir.toAbsolutePath().toString(), name);
        }
        return m.replace("float.onnx", name);
    }

    private static void checkClasses(CompileJob job, EngineResult result, ValidationSet data) {
        if (!result.reference().classification()) {
            return;
        }
        int classes = result.reference().classCount();
        if (job.classCount() > 0 && job.classCount() != classes) {
            throw new CompilationFailure("the model outputs " + classes + " classes but its snapshot has "
                    + job.classCount() + " class labels");
        }
        int maxLabel = java.util.Arrays.stream(data.labels()).max().orElse(0);
        if (maxLabel >= classes) {
            throw new CompilationFailure(
                    "validation label index " + maxLabel + " is out of range for a model with " + classes + " outputs");
        }
    }

    /** Uploads and registers every accepted variant. */
    private Map<VariantTarget, ModelVariant> register(String id, CompileJob job, EngineResult result, int samples) {
        Map<VariantTarget, ModelVariant> registered = new LinkedHashMap<>();
        for (VariantOutcome o : result.accepted()) {
            registry.upload(o.artifact(), o.sha256(), o.target().mediaType());
            Map<String, String> settings = new LinkedHashMap<>(o.settings());
            settings.put("source_sha256", job.sourceSha256());
            settings.put("compilation_id", id);
            settings.put(
                    "accuracy_budget_points", Double.toString(engine.validator().budgetPoints()));
            ModelVariant v = registry.addVariant(
                    job.modelName(),
                    job.modelVersion(),
                    o.target().id(),
                    o.target().format(),
                    o.sha256(),
                    VariantRecords.metrics(o, result, samples),
                    settings);
            if (v.getVariantId().isBlank()) {
                throw new CompilationFailure(
                        "registry returned no variant id for " + o.target().id());
            }
            registered.put(o.target(), v);
        }
        return registered;
    }

    private Optional<String> finish(
            String id,
            CompileJob job,
            Job claim,
            Instant started,
            EngineResult result,
            int samples,
            Map<VariantTarget, ModelVariant> registered,
            Optional<PromotionEvidence> promotion) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (claim != null) {
                jobs.complete(claim);
            }
            Compilation c = base(id, job, started);
            ModelEvaluation ref = result.reference();
            c.floatAccuracy = ref.accuracy();
            c.floatLatencyP50Us = ref.latencyP50Us();
            c.floatLatencyP99Us = ref.latencyP99Us();
            c.floatSizeBytes = ref.sizeBytes();
            c.floatGraphNodes = result.floatGraphNodes();
            c.validationSamples = samples;
            List<VariantSummary> summaries = new ArrayList<>();
            for (VariantOutcome o : result.variants()) {
                CompiledVariant v = VariantRecords.variant(o, registered.get(o.target()));
                c.addVariant(v);
                if (v.accepted) {
                    summaries.add(VariantRecords.summary(v, o.signature()));
                }
            }
            if (summaries.isEmpty()) {
                c.status = CompilationStatus.REJECTED;
                c.failureReason = "no variant stayed within the accuracy budget";
            } else {
                c.status = CompilationStatus.SUCCEEDED;
                c.recommendedVariantId = VariantRecords.recommended(c.variants);
                promotion.ifPresent(c::setPromotion);
                EventMeta meta = job.cause() != null
                        ? Events.causedBy(PRODUCER, job.cause())
                        : Events.newMeta(PRODUCER, job.correlationId(), "");
                ModelOptimized event = ModelOptimized.newBuilder()
                        .setMeta(meta)
                        .setModelName(job.modelName())
                        .setModelVersion(job.modelVersion())
                        .setSnapshotId(job.snapshotId())
                        .addAllVariants(summaries)
                        .setRecommendedVariantId(c.recommendedVariantId)
                        .setFloatAccuracy(ref.accuracy())
                        .addAllClassLabels(ref.classification() ? job.classLabels() : List.of())
                        .build();
                if (promotion.isPresent()) {
                    event = event.toBuilder().setPromotion(promotion.get()).build();
                }
                outbox.enqueue(Topics.MODEL_OPTIMIZED, job.modelName(), meta, event);
                c.eventId = meta.getEventId();
            }
            c.finishedAt = Instant.now();
            c.persist();
            for (VariantOutcome o : result.variants()) {
                if (!o.accepted()) {
                    LOG.infof(
                            "%s v%d variant %s rejected: %s",
                            job.modelName(),
                            job.modelVersion(),
                            o.target().id(),
                            o.verdict().reason());
                }
            }
            LOG.infof(
                    "compiled %s v%d: %s, %d of %d variants accepted; float accuracy %.4f, p50 %.1f us; %s",
                    job.modelName(),
                    job.modelVersion(),
                    c.status,
                    summaries.size(),
                    result.variants().size(),
                    ref.accuracy(),
                    ref.latencyP50Us(),
                    summaries.stream()
                            .map(v -> String.format(
                                    java.util.Locale.ROOT,
                                    "%s %d B p50 %.1f us max diff %.2g",
                                    v.getTarget(),
                                    v.getSizeBytes(),
                                    v.getLatencyP50Us(),
                                    v.getMaxAbsDiff()))
                            .toList());
            return Optional.of(c.id);
        });
    }

    private Optional<String> recordFailure(
            String id, CompileJob job, Job claim, Instant started, String reason, boolean permanent) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (permanent && claim != null) {
                    jobs.complete(claim); // a permanent failure completes the job: retrying cannot help
                }
                Compilation c = base(id, job, started);
                c.status = CompilationStatus.FAILED;
                c.failureReason = reason.length() > 4000 ? reason.substring(0, 4000) : reason;
                c.finishedAt = Instant.now();
                c.persist();
                return Optional.of(c.id);
            });
        } catch (RuntimeException e) {
            LOG.errorf("cannot record the failed compilation of %s v%d: %s", job.modelName(), job.modelVersion(), e);
            if (permanent) {
                throw e;
            }
            return Optional.empty();
        }
    }

    private Compilation base(String id, CompileJob job, Instant started) {
        Compilation c = new Compilation();
        c.id = id;
        c.modelName = job.modelName();
        c.modelVersion = job.modelVersion();
        c.snapshotId = job.snapshotId();
        c.sourceSha256 = job.sourceSha256();
        c.trigger = job.trigger();
        c.causationEventId = job.cause() == null ? null : job.cause().getEventId();
        c.accuracyBudgetPoints = engine.validator().budgetPoints();
        c.optimizationLevel = config.optimizationLevel().name();
        c.startedAt = started;
        return c;
    }

    /** Deletes {@code dir} and everything in it (best effort; null is ignored). */
    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(OnnxOptimizer::deleteQuietly);
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", dir, e);
        }
    }
}
