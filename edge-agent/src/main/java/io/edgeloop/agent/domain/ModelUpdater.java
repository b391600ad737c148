package io.edgeloop.agent.domain;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.TraceContext;
import io.edgeloop.kit.rpc.TransientFailures;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Applies assignments, each to the slot of its model name (other models are never touched): check the device's
 * limits (REFUSED before any download when it cannot run the variant), report DOWNLOADING, download the artifact (resuming a partial file), verify its sha256 and
 * the registry's Ed25519 signature of that digest (from the assignment, else the download's first chunk, else
 * ArtifactService.GetArtifact), load and check the model, record it as active on disk, swap it in, report ACTIVE.
 * Any failure reports FAILED and leaves the previous model serving. An unassigned assignment unloads the model and
 * forgets it on disk, then reports UNLOADED. The whole activation (or unload) is one span whose parent is the
 * assignment's traceparent. Not thread-safe: call from one thread.
 */
public final class ModelUpdater {
    private static final Logger LOG = Logger.getLogger(ModelUpdater.class);

    /** What {@link #apply} did. */
    public enum Outcome {
        ACTIVATED,
        ALREADY_ACTIVE,
        /** An unassigned assignment: no model is served (or was loaded) any more. */
        UNLOADED,
        /** Refused before download: the device cannot run the variant (REFUSED reported). */
        REFUSED,
        FAILED
    }

    private final ModelStore store;
    private final ModelRuntime runtime;
    private final ArtifactSource artifacts;
    private final SignatureVerifier signatures;
    private final StateReporter reporter;
    private final Tracer tracer;
    private final SessionSettings sessions;
    private final int downloadAttempts;
    private final Duration retryDelay;
    private final Clock clock;
    private final DeviceLimits limits;
    /** Artifact each model served before its last swap (kept on disk for a rollback). */
    private final Map<String, String> previousSha = new ConcurrentHashMap<>();

    /**
     * @param sessions the ONNX Runtime settings of every session it creates
     * @param downloadAttempts tries per download for transient failures (each resumes where the last stopped)
     * @param retryDelay pause before the second try; doubles per try
     */
    public ModelUpdater(
            ModelStore store,
            ModelRuntime runtime,
            ArtifactSource artifacts,
            SignatureVerifier signatures,
            StateReporter reporter,
            Tracer tracer,
            SessionSettings sessions,
            int downloadAttempts,
            Duration retryDelay,
            Clock clock,
            DeviceLimits limits) {
        this.limits = limits;
        this.store = store;
        this.runtime = runtime;
        this.artifacts = artifacts;
        this.signatures = signatures;
        this.reporter = reporter;
        this.tracer = tracer;
        this.sessions = sessions;
        this.downloadAttempts = Math.max(1, downloadAttempts);
        this.retryDelay = retryDelay;
        this.clock = clock;
    }

    /**
     * Loads every model recorded as active in the store, before any network (offline start). Each artifact's sha256
     * and recorded signature are checked again (keys come from the on-disk cache).
     *
     * @return the restored models (those that cannot be loaded are skipped, logged)
     */
    public List<ModelDescriptor> restore() {
        List<ModelDescriptor> restored = new ArrayList<>();
        for (ModelDescriptor d : store.readAll()) {
            try {
                if (!store.hasVerified(d.artifactSha256(), d.format())) {
                    LOG.warnf(
                            "active model %s v%d is missing or corrupt on disk; waiting for an assignment",
                            d.modelName(), d.modelVersion());
                    continue;
                }
                signatures.verify(d.artifactSha256(), d.signature(), d.signingKeyId());
                LoadedModel model = LoadedModel.load(
                        runtime.environment(), store.modelFile(d.artifactSha256(), d.format()), d, sessions);
                runtime.activate(model);
                LOG.infof("restored %s v%d (%s) from %s", d.modelName(), d.modelVersion(), d.variantId(), store.dir());
                restored.add(d);
            } catch (Exception e) {
                LOG.warnf(
                        "cannot restore the active model %s (%s): %s",
                        d.modelName(), d.artifactSha256(), e.getMessage());
            }
        }
        return restored;
    }

    /**
     * Applies one assignment (see the class comment; an unassigned one unloads, see {@link #unload}). Never throws:
     * failures are reported and returned.
     */
    public Outcome apply(Assignment assignment) {
        if (assignment.getUnassigned()) {
            return unload(assignment);
        }
        Span span = tracer.spanBuilder("model activation")
                .setParent(TraceContext.contextOf(assignment.getTraceparent()))
                .setAttribute("edgeloop.deployment_id", assignment.getDeploymentId())
                .setAttribute("edgeloop.model", assignment.getModelName() + "@v" + assignment.getModelVersion())
                .setAttribute("edgeloop.variant_id", assignment.getVariantId())
                .setAttribute("edgeloop.artifact_sha256", assignment.getArtifactSha256())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            String name = assignment.getModelName();
            Optional<LoadedModel> current = runtime.get(name);
            if (current.isPresent() && current.get().descriptor().deploymentId().equals(assignment.getDeploymentId())) {
                span.setAttribute("edgeloop.outcome", "already-active");
                reporter.report(assignment, DeviceModelState.ACTIVE, "already active");
                return Outcome.ALREADY_ACTIVE;
            }
            List<ModelDescriptor> others = runtime.models().stream()
                    .map(LoadedModel::descriptor)
                    .filter(d -> !d.modelName().equals(name))
                    .toList();
            Optional<String> refusal = limits.refusal(assignment, others);
            if (refusal.isPresent()) {
                String why = "refused before download: " + refusal.get();
                LOG.warnf(
                        "assignment %s (%s v%d) %s",
                        assignment.getDeploymentId(), name, assignment.getModelVersion(), why);
                span.setAttribute("edgeloop.outcome", "refused");
                span.setStatus(StatusCode.ERROR, why);
                reporter.report(assignment, DeviceModelState.REFUSED, why);
                return Outcome.REFUSED;
            }
            reporter.report(assignment, DeviceModelState.DOWNLOADING, "");
            ModelDescriptor wanted = ModelDescriptor.of(assignment);
            Fetched fetched = fetch(wanted, assignment.getSizeBytes());
            Path file = fetched.file();
            ModelDescriptor signed = checkSignature(wanted, fetched);
            ModelDescriptor activated = signed.activatedAt(clock.instant());
            LoadedModel model = LoadedModel.load(runtime.environment(), file, activated, sessions);
            try {
                store.writeActive(activated);
            } catch (IOException e) {
                model.release();
                throw e;
            }
            LoadedModel previous = runtime.activate(model);
            if (previous != null && !previous.descriptor().artifactSha256().equals(activated.artifactSha256())) {
                previousSha.put(name, previous.descriptor().artifactSha256());
            }
            prune();
            span.setAttribute("edgeloop.outcome", "activated");
            LOG.infof(
                    "activated %s v%d (%s, inputs %s, outputs %s, labels %s)",
                    activated.modelName(),
                    activated.modelVersion(),
                    activated.variantId(),
                    model.signature().inputs(),
                    model.signature().outputs(),
                    model.labels());
            reporter.report(assignment, DeviceModelState.ACTIVE, "");
            return Outcome.ACTIVATED;
        } catch (Exception e) {
            String why = e instanceof StatusRuntimeException s
                    ? "download failed: " + s.getStatus().getCode() + " "
                            + s.getStatus().getDescription()
                    : e.getMessage();
            LOG.warnf(
                    "assignment %s (%s v%d) failed, keeping the current model: %s",
                    assignment.getDeploymentId(), assignment.getModelName(), assignment.getModelVersion(), why);
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, why);
            span.setAttribute("edgeloop.outcome", "failed");
            reporter.report(assignment, DeviceModelState.FAILED, why == null ? e.toString() : why);
            return Outcome.FAILED;
        } finally {
            span.end();
        }
    }

    /**
     * Stops serving for an unassigned assignment: model_name only (every model when it is empty). Forgets the model
     * on disk first (a restart then does not load it; the artifact stays cached), then unloads it (its session closes
     * once in-flight inferences end) and reports UNLOADED. Applying it again reports UNLOADED again. If the record
     * cannot be deleted the model is unloaded anyway and FAILED is reported.
     */
    private Outcome unload(Assignment assignment) {
        String name = assignment.getModelName();
        Span span = tracer.spanBuilder("model unload")
                .setParent(TraceContext.contextOf(assignment.getTraceparent()))
                .setAttribute("edgeloop.deployment_id", assignment.getDeploymentId())
                .setAttribute("edgeloop.model", name)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            IOException forgetFailed = null;
            try {
                if (name.isBlank()) {
                    store.clearAll();
                } else {
                    store.clearActive(name);
                }
            } catch (IOException e) {
                forgetFailed = e;
            }
            List<LoadedModel> unloaded = new ArrayList<>();
            List<String> names = name.isBlank()
                    ? runtime.models().stream()
                            .map(m -> m.descriptor().modelName())
                            .toList()
                    : List.of(name);
            for (String n : names) {
                LoadedModel m = runtime.unload(n);
                if (m != null) {
                    unloaded.add(m);
                }
            }
            String what = unloaded.isEmpty()
                    ? "no model " + (name.isBlank() ? "" : "'" + name + "' ") + "was loaded"
                    : "unloaded "
                            + unloaded.stream()
                                    .map(m -> m.descriptor().modelName() + " v"
                                            + m.descriptor().modelVersion() + " (deployment "
                                            + m.descriptor().deploymentId() + ")")
                                    .collect(Collectors.joining(", "));
            if (forgetFailed != null) {
                String why = what + ", but the record of the active model cannot be deleted: " + forgetFailed;
                LOG.warn(why);
                span.setStatus(StatusCode.ERROR, why);
                span.setAttribute("edgeloop.outcome", "failed");
                reporter.report(assignment, DeviceModelState.FAILED, why);
                return Outcome.FAILED;
            }
            LOG.infof(
                    "unassigned by deployment %s: %s (%s)", assignment.getDeploymentId(), what, assignment.getReason());
            span.setAttribute("edgeloop.outcome", "unloaded");
            reporter.report(assignment, DeviceModelState.UNLOADED, what);
            return Outcome.UNLOADED;
        } finally {
            span.end();
        }
    }

    /** Deletes cached artifacts no slot uses: keeps every served, recorded and previous artifact. */
    private void prune() {
        Set<String> keep = new HashSet<>(previousSha.values());
        runtime.models().forEach(m -> keep.add(m.descriptor().artifactSha256()));
        store.readAll().forEach(d -> keep.add(d.artifactSha256()));
        store.prune(keep);
    }

    /** A sha256-verified artifact file and the signature its download carried (nulls when none or cached). */
    private record Fetched(Path file, String signature, String signingKeyId) {}

    /**
     * Verifies the registry signature of {@code wanted}'s digest: the assignment's, else the download's, else the
     * registry's GetArtifact. A refused artifact is deleted unless the active model uses it.
     *
     * @return {@code wanted} with the signature that verified (unchanged when unsigned and not required)
     */
    private ModelDescriptor checkSignature(ModelDescriptor wanted, Fetched fetched)
            throws ArtifactVerificationException {
        String sha = wanted.artifactSha256();
        String signature = wanted.signature();
        String keyId = wanted.signingKeyId();
        if (signature == null && fetched.signature() != null) {
            signature = fetched.signature();
            keyId = fetched.signingKeyId();
        }
        if (signature == null) {
            try {
                var ref = artifacts.describe(sha);
                if (ref.isPresent() && !ref.get().getSignature().isBlank()) {
                    signature = ref.get().getSignature();
                    keyId = ref.get().getSigningKeyId();
                }
            } catch (RuntimeException e) {
                if (signatures.required()) {
                    throw new ArtifactVerificationException(
                            "the signature of artifact " + sha + " cannot be fetched from the registry: " + e);
                }
                LOG.debugf("no registry record of %s: %s", sha, e);
            }
        }
        try {
            signatures.verify(sha, signature, keyId);
        } catch (ArtifactVerificationException e) {
            boolean inUse = runtime.models().stream()
                    .anyMatch(m -> m.descriptor().artifactSha256().equals(sha));
            if (!inUse) {
                try {
                    Files.deleteIfExists(fetched.file());
                } catch (IOException io) {
                    LOG.warnf("cannot delete refused artifact %s: %s", fetched.file(), io.getMessage());
                }
            }
            throw e;
        }
        return wanted.signedBy(signature, keyId);
    }

    /** The verified artifact file: from the cache, or downloaded with resume and transient-failure retries. */
    private Fetched fetch(ModelDescriptor d, long expectedSize) throws Exception {
        if (store.hasVerified(d.artifactSha256(), d.format())) {
            return new Fetched(store.modelFile(d.artifactSha256(), d.format()), null, null);
        }
        Duration delay = retryDelay;
        for (int attempt = 1; ; attempt++) {
            try {
                return download(d, expectedSize);
            } catch (IOException | StatusRuntimeException e) {
                if (attempt >= downloadAttempts || !transient_(e)) {
                    throw e;
                }
                LOG.infof("download of %s interrupted (%s), resuming in %s", d.artifactSha256(), e, delay);
                Thread.sleep(delay.toMillis());
                delay = delay.multipliedBy(2);
            }
        }
    }

    private static boolean transient_(Exception e) {
        if (e instanceof StatusRuntimeException s) {
            // besides the shared transient codes, a download also resumes after INTERNAL (the registry's store failing
            // mid-stream): what is resumed is checked against the artifact's hash and signature anyway
            return TransientFailures.isTransient(s) || s.getStatus().getCode() == Status.Code.INTERNAL;
        }
        return true; // an I/O failure or a stream that ended early: resume
    }

    private Fetched download(ModelDescriptor d, long expectedSize) throws IOException, ArtifactVerificationException {
        String sha = d.artifactSha256();
        Path part = store.partialFile(sha);
        long offset = Files.exists(part) ? Files.size(part) : 0;
        if (expectedSize > 0 && offset > expectedSize) {
            Files.delete(part);
            offset = 0;
        }
        long position = offset;
        String signature = null;
        String signingKeyId = null;
        if (expectedSize <= 0 || offset < expectedSize) {
            try (OutputStream out = Files.newOutputStream(
                    part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                Iterator<DownloadChunk> chunks = artifacts.download(sha, offset);
                while (chunks.hasNext()) {
                    DownloadChunk chunk = chunks.next();
                    if (signature == null && !chunk.getSignature().isBlank()) {
                        signature = chunk.getSignature();
                        signingKeyId = chunk.getSigningKeyId();
                    }
                    if (chunk.getOffset() != position) {
                        throw new IOException("chunk at offset " + chunk.getOffset() + ", expected " + position);
                    }
                    chunk.getData().writeTo(out);
                    position += chunk.getData().size();
                    if (expectedSize > 0 && position > expectedSize) {
                        break;
                    }
                }
            }
        }
        if (expectedSize > 0 && position < expectedSize) {
            throw new IOException("download ended at " + position + " of " + expectedSize + " bytes");
        }
        String actual = Hashing.sha256Hex(part);
        if (!actual.equals(sha) || (expectedSize > 0 && position != expectedSize)) {
            Files.deleteIfExists(part);
            throw new ArtifactVerificationException("artifact verification failed: expected sha256 " + sha + " ("
                    + expectedSize + " bytes), got " + actual + " (" + position + " bytes); deleted");
        }
        Path file = store.modelFile(sha, d.format());
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.infof("downloaded %s (%d bytes, resumed at %d)", file.getFileName(), position, offset);
        return new Fetched(file, signature, signingKeyId);
    }
}
