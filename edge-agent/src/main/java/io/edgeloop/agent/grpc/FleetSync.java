package io.edgeloop.agent.grpc;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.DeviceLimits;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.ModelStore;
import io.edgeloop.agent.domain.ModelUpdater;
import io.edgeloop.agent.domain.SessionSettings;
import io.edgeloop.agent.domain.SignatureVerifier;
import io.edgeloop.agent.domain.TrustedKeys;
import io.edgeloop.kit.rpc.TransientFailures;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceResponse;
import io.edgeloop.proto.deployment.v1.WatchAssignmentsRequest;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.edgeloop.proto.registry.v1.GetSigningKeysRequest;
import io.edgeloop.proto.registry.v1.SigningKey;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The device's link to the control plane. At start it restores the last active model from disk (before any network),
 * then on a background thread registers (retrying with exponential backoff), opens the WatchAssignments stream and
 * re-registers and re-watches with backoff whenever the stream ends. Assignments (a model, or unassigned: unload that
 * model, or every model when the name is empty) are applied one at a time on their own thread; when several arrive
 * for one model during an update, only the newest of that model is applied. Registration sends the device's
 * capabilities and limits ({@link DeviceLimits}).
 */
@ApplicationScoped
public class FleetSync {
    /** Attempts of one state report before it is dropped. */
    static final int REPORT_ATTEMPTS = 5;

    private static final Logger LOG = Logger.getLogger(FleetSync.class);

    @Inject
    AgentConfig config;

    @Inject
    ModelRuntime runtime;

    @Inject
    ModelStore store;

    @Inject
    Tracer tracer;

    @Inject
    SessionSettings sessionSettings;

    @Inject
    io.edgeloop.agent.metrics.AgentMetrics metrics;

    @Inject
    DeviceCredentialKeeper credentials;

    /** Created by the first call (on the fleet-sync thread), not at start. */
    @Inject
    FleetChannels channels;

    /** The newest assignment not yet applied, per model name ("" = unassign every model), in arrival order. */
    private final Map<String, Assignment> pending = new LinkedHashMap<>();

    private volatile boolean connected;
    private volatile boolean stopping;
    /** The newest download grant per artifact, from the assignments that named it. */
    private final Map<String, String> grants = new ConcurrentHashMap<>();

    private volatile ClientCallStreamObserver<WatchAssignmentsRequest> watchCall;
    private int failedAttempts;
    private ModelUpdater updater;
    private ScheduledExecutorService sync;
    private ExecutorService apply;

    void onStart(@Observes @Priority(10) StartupEvent event) {
        var keys = new TrustedKeys(store.dir(), this::signingKeys);
        updater = new ModelUpdater(
                store,
                runtime,
                new RegistryArtifacts(),
                new SignatureVerifier(keys, config.requireSignature()),
                this::report,
                tracer,
                sessionSettings,
                3,
                Duration.ofSeconds(1),
                Clock.systemUTC(),
                limits());
        updater.restore();
        if (!config.sync().enabled()) {
            LOG.info("control-plane sync disabled (edgeloop.agent.sync.enabled=false)");
            return;
        }
        sync = Executors.newSingleThreadScheduledExecutor(daemon("fleet-sync"));
        apply = Executors.newSingleThreadExecutor(daemon("model-update"));
        sync.execute(this::connect);
        // renew the device credential past half its lifetime (a no-op without one)
        sync.scheduleWithFixedDelay(this::renewCredential, 1, 1, TimeUnit.MINUTES);
    }

    private void renewCredential() {
        try {
            credentials.ensure();
        } catch (RuntimeException e) {
            LOG.warnf("cannot renew the device credential (will retry): %s", e.toString());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        var call = watchCall;
        if (call != null) {
            call.cancel("agent shutting down", null);
        }
        if (sync != null) {
            sync.shutdownNow();
        }
        if (apply != null) {
            apply.shutdownNow();
        }
    }

    /** Whether the agent is registered and its watch stream is open. */
    public boolean isConnected() {
        return connected;
    }

    private void connect() {
        if (stopping) {
            return;
        }
        try {
            credentials.ensure();
        } catch (RuntimeException e) {
            retryLater("enroll", e);
            return;
        }
        RegisterDeviceResponse response;
        try {
            response = DeviceServiceGrpc.newBlockingStub(channels.devices())
                    .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .register(registration());
        } catch (StatusRuntimeException e) {
            retryLater("register", e);
            return;
        }
        failedAttempts = 0;
        LOG.infof("registered as %s", config.deviceId());
        if (response.getAssignmentsCount() > 0) {
            response.getAssignmentsList().forEach(this::submit);
        } else if (response.hasCurrent()) {
            submit(response.getCurrent());
        }
        DeviceServiceGrpc.newStub(channels.devices())
                .watchAssignments(
                        WatchAssignmentsRequest.newBuilder()
                                .setDeviceId(config.deviceId())
                                .build(),
                        new WatchObserver());
        connected = true;
    }

    private void retryLater(String what, Exception e) {
        connected = false;
        if (stopping) {
            return;
        }
        long base = config.sync().initialBackoff().toMillis() << Math.min(failedAttempts, 16);
        long delay = Math.min(base, config.sync().maxBackoff().toMillis());
        delay = (long) (delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        failedAttempts++;
        if (failedAttempts == 1 || failedAttempts % 10 == 0) {
            LOG.warnf("%s failed (attempt %d): %s; retrying in %d ms", what, failedAttempts, e, delay);
        } else {
            LOG.debugf("%s failed (attempt %d): %s; retrying in %d ms", what, failedAttempts, e, delay);
        }
        try {
            sync.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    /**
     * Queues {@code assignment} for the update thread: it replaces a pending one of the same model (newest wins per
     * model); an unassignment of every model replaces every pending one.
     */
    private void submit(Assignment assignment) {
        if (!assignment.getDownloadGrant().isEmpty()) {
            grants.put(assignment.getArtifactSha256(), assignment.getDownloadGrant());
        }
        String key = assignment.getUnassigned() && assignment.getModelName().isBlank() ? "" : assignment.getModelName();
        synchronized (pending) {
            if (key.isEmpty()) {
                pending.clear();
            }
            pending.remove(key); // re-inserted last: applied in arrival order
            pending.put(key, assignment);
        }
        try {
            apply.execute(this::applyNext);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    private void applyNext() {
        Assignment next;
        synchronized (pending) {
            var it = pending.entrySet().iterator();
            if (!it.hasNext()) {
                return;
            }
            next = it.next().getValue();
            it.remove();
        }
        updater.apply(next);
    }

    /** ONNX Runtime's limits with the configured memory budget and model count. */
    private DeviceLimits limits() {
        return DeviceLimits.onnxRuntime(config.memoryBudgetMb(), config.maxModels());
    }

    private RegisterDeviceRequest registration() {
        long ramMb = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            ramMb = os.getTotalMemorySize() / (1024 * 1024);
        }
        return RegisterDeviceRequest.newBuilder()
                .setDeviceId(config.deviceId())
                .putAllLabels(config.labels())
                .setCapabilities(limits().describe(DeviceCapabilities.newBuilder()
                        .setArchitecture(System.getProperty("os.arch"))
                        .setRamMb((int) Math.min(Integer.MAX_VALUE, ramMb))
                        .setRuntime("onnxruntime")
                        .setRuntimeVersion(runtime.runtimeVersion())))
                .build();
    }

    private List<SigningKey> signingKeys() {
        return ArtifactServiceGrpc.newBlockingStub(channels.registry())
                .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .getSigningKeys(GetSigningKeysRequest.getDefaultInstance())
                .getKeysList();
    }

    /** The registry's ArtifactService: Download (with the assignment's download grant) and GetArtifact. */
    private final class RegistryArtifacts implements io.edgeloop.agent.domain.ArtifactSource {
        @Override
        public Iterator<DownloadChunk> download(String sha256, long offset) {
            return ArtifactServiceGrpc.newBlockingStub(channels.registry())
                    .withDeadlineAfter(config.sync().downloadTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .download(DownloadRequest.newBuilder()
                            .setSha256(sha256)
                            .setOffset(offset)
                            .setDownloadGrant(grants.getOrDefault(sha256, ""))
                            .build());
        }

        @Override
        public Optional<ArtifactRef> describe(String sha256) {
            return Optional.of(ArtifactServiceGrpc.newBlockingStub(channels.registry())
                    .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .getArtifact(
                            GetArtifactRequest.newBuilder().setSha256(sha256).build()));
        }
    }

    /**
     * Reports a model's state, retrying transient failures (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED)
     * up to {@link #REPORT_ATTEMPTS} times with backoff, on the calling thread: the reports of one device stay in
     * order, so a retried DOWNLOADING never lands after its ACTIVE. A report that still fails is dropped; the watch
     * re-sends the current assignment on reconnect, and the agent then reports again.
     */
    private void report(Assignment a, DeviceModelState state, String message) {
        metrics.modelUpdate(a.getModelName(), state.name());
        DeviceStateReport report = DeviceStateReport.newBuilder()
                .setDeviceId(config.deviceId())
                .setDeploymentId(a.getDeploymentId())
                .setState(state)
                .setModelName(a.getModelName())
                .setModelVersion(a.getModelVersion())
                .setVariantId(a.getVariantId())
                .setMessage(message == null ? "" : message)
                .build();
        long delay = Math.max(1, config.sync().initialBackoff().toMillis());
        for (int attempt = 1; ; attempt++) {
            try {
                DeviceServiceGrpc.newBlockingStub(channels.devices())
                        .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .reportState(report);
                return;
            } catch (StatusRuntimeException e) {
                if (attempt >= REPORT_ATTEMPTS || !TransientFailures.isTransient(e)) {
                    LOG.warnf(
                            "reporting %s for deployment %s failed (attempt %d): %s",
                            state, a.getDeploymentId(), attempt, e.getStatus());
                    return;
                }
                LOG.infof(
                        "reporting %s for deployment %s failed (%s); retrying in %d ms",
                        state, a.getDeploymentId(), e.getStatus().getCode(), delay);
            }
            try {
                Thread.sleep(delay); // a backoff between attempts, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            delay = Math.min(delay * 2, config.sync().maxBackoff().toMillis());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Receives assignments; any end of the stream schedules a reconnect. */
    private final class WatchObserver implements ClientResponseObserver<WatchAssignmentsRequest, Assignment> {
        @Override
        public void beforeStart(ClientCallStreamObserver<WatchAssignmentsRequest> call) {
            watchCall = call;
        }

        @Override
        public void onNext(Assignment assignment) {
            if (assignment.getUnassigned()) {
                LOG.infof(
                        "unassigned by deployment %s: run no %s (%s)",
                        assignment.getDeploymentId(),
                        assignment.getModelName().isBlank() ? "model" : "'" + assignment.getModelName() + "'",
                        assignment.getReason());
            } else {
                LOG.infof(
                        "assignment %s: %s v%d (%s)",
                        assignment.getDeploymentId(),
                        assignment.getModelName(),
                        assignment.getModelVersion(),
                        assignment.getVariantId());
            }
            submit(assignment);
        }

        @Override
        public void onError(Throwable t) {
            ended(t instanceof Exception e ? e : new RuntimeException(t));
        }

        @Override
        public void onCompleted() {
            ended(new IllegalStateException("stream completed by the server"));
        }

        private void ended(Exception why) {
            connected = false;
            if (stopping) {
                return;
            }
            try {
                sync.execute(() -> retryLater("watch", why));
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        }
    }
}
