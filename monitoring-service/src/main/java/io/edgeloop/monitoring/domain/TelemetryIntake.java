package io.edgeloop.monitoring.domain;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.kit.batch.GroupCommit;
import io.edgeloop.kit.batch.TransactionalGroupCommit;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.Codec;
import io.edgeloop.monitoring.persistence.InferenceStore;
import io.edgeloop.monitoring.persistence.ModelStateEntity;
import io.edgeloop.monitoring.persistence.ObservationChunkEntity;
import io.edgeloop.monitoring.persistence.ReferenceStore;
import io.edgeloop.monitoring.persistence.TelemetryWindowEntity;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Takes validated telemetry windows in: stores each once (deduplicated by window id in the inbox), buffers the input
 * samples of the deployed version, and evaluates drift through {@link DriftMonitor}. Windows arriving together are
 * written by a {@link GroupCommit}: one transaction per batch, each model's state row locked once (in name order)
 * and its drift evaluated once, after the batch's windows of it are buffered. A batch that fails is retried window by
 * window, so a window that cannot be stored fails alone.
 */
@ApplicationScoped
public class TelemetryIntake {
    /** Inbox consumer name under which window ids are deduplicated. */
    static final String WINDOW_CONSUMER = "telemetry-window";

    private static final Logger LOG = Logger.getLogger(TelemetryIntake.class);

    @Inject
    io.edgeloop.monitoring.persistence.DeviceLabels deviceLabels;

    @Inject
    EntityManager em;

    @Inject
    Inbox inbox;

    @Inject
    DriftMonitor monitor;

    @Inject
    ReferenceStore references;

    @Inject
    InferenceStore inferences;

    @Inject
    CapturedSamples capturedSamples;

    @Inject
    MonitoringMetrics metrics;

    @Inject
    MonitoringConfig config;

    @Inject
    Clock clock;

    private GroupCommit<Arrival, TelemetryAck> commits;

    /** A window and the trace context of the call that brought it: a DriftDetected it causes continues that trace. */
    record Arrival(TelemetryWindow window, Context context) {}

    @PostConstruct
    void start() {
        commits = TransactionalGroupCommit.start(
                "telemetry",
                this::storeAll,
                config.telemetry().batchSize(),
                config.telemetry().committers(),
                "edgeloop.monitoring.telemetry");
    }

    @PreDestroy
    void stop() {
        commits.close();
    }

    /**
     * Stores a validated window and evaluates drift; a window id seen before changes nothing and gets the
     * acknowledgement it got the first time. A window whose inputs do not have the reference's feature count is
     * stored but not buffered.
     *
     * @throws RuntimeException when the window could not be stored (including no result within the configured
     *     timeout)
     */
    public TelemetryAck report(TelemetryWindow window) {
        return commits.apply(
                new Arrival(window, Context.current()), config.telemetry().timeout());
    }

    /**
     * {@link #report} for many validated windows of one call: they join the group commit like single reports.
     *
     * @return one acknowledgement per window, in order
     * @throws RuntimeException when a window could not be stored (windows stored before it stay stored; sending them
     *     again is acknowledged as a repeat)
     */
    public List<TelemetryAck> reportAll(List<TelemetryWindow> windows) {
        Context context = Context.current();
        return commits.applyAll(
                windows.stream().map(w -> new Arrival(w, context)).toList(),
                config.telemetry().timeout());
    }

    /** Group commit counters. */
    public GroupCommit.Stats stats() {
        return commits.stats();
    }

    /**
     * Stores windows in the caller's transaction: {@link #report} for many. Each model's drift is evaluated once, after all
     * of the batch's windows of it are buffered, and every window of the deployed version gets that result.
     *
     * @return one acknowledgement per window, in order
     */
    @Transactional(Transactional.TxType.MANDATORY)
    List<TelemetryAck> storeAll(List<Arrival> arrivals) {
        List<TelemetryWindow> windows = arrivals.stream().map(Arrival::window).toList();
        Set<String> fresh = inbox.firstDeliveries(
                WINDOW_CONSUMER,
                windows.stream().map(TelemetryWindow::getWindowId).toList());
        List<Arrival> firsts = new ArrayList<>();
        Set<String> names = new TreeSet<>(); // state rows are locked in name order: batches never deadlock
        for (Arrival a : arrivals) {
            if (fresh.remove(a.window().getWindowId())) {
                firsts.add(a);
                names.add(a.window().getModelName());
            }
        }
        Map<String, ModelBatch> models = new HashMap<>();
        for (String name : names) {
            models.put(name, new ModelBatch(em.find(ModelStateEntity.class, name, LockModeType.PESSIMISTIC_WRITE)));
        }
        Instant now = clock.instant();
        Map<String, TelemetryWindowEntity> stored = new HashMap<>();
        for (Arrival a : firsts) {
            TelemetryWindow w = a.window();
            ModelBatch model = models.get(w.getModelName());
            stored.put(w.getWindowId(), store(w, model, now));
            model.lastContext = a.context();
        }
        inferences.insertAll(inferenceRows(firsts.stream().map(Arrival::window).toList(), now));
        capturedSamples.enqueue(firsts.stream().map(Arrival::window).toList());
        metrics.windows(firsts.stream().map(Arrival::window).toList());
        Map<String, Map<String, String>> labels = new HashMap<>();
        firsts.stream()
                .map(Arrival::window)
                .filter(w -> w.getDeviceLabelsCount() > 0)
                .forEach(w -> labels.put(w.getDeviceId(), w.getDeviceLabelsMap()));
        deviceLabels.update(labels, now);
        for (ModelBatch m : models.values()) {
            m.evaluate();
        }
        List<TelemetryAck> acks = new ArrayList<>(windows.size());
        for (TelemetryWindow w : windows) {
            TelemetryWindowEntity e = stored.get(w.getWindowId());
            if (e == null) {
                e = TelemetryWindowEntity.findById(w.getWindowId());
                LOG.debugf("duplicate telemetry window %s ignored", w.getWindowId());
            }
            acks.add(e == null ? ack(DriftReport.NOT_COMPUTED, false) : ack(e.driftScore, e.driftDetected));
        }
        return acks;
    }

    private TelemetryWindowEntity store(TelemetryWindow w, ModelBatch model, Instant now) {
        boolean current = model.state != null && model.state.modelVersion == w.getModelVersion();
        ReferenceProfile reference = current ? model.reference() : null;
        boolean feeds = feedsDrift(w, config.drift().includeSimulated());
        if (reference != null && feeds && w.getFeatureCount() != reference.featureCount()) {
            // the counts still matter to health gates: store the window, keep its inputs out of the buffer
            LOG.warnf(
                    "window %s from %s: feature_count %d does not match the %d input features of %s v%d; stored,"
                            + " not buffered",
                    w.getWindowId(),
                    w.getDeviceId(),
                    w.getFeatureCount(),
                    reference.featureCount(),
                    w.getModelName(),
                    w.getModelVersion());
            feeds = false;
        }
        TelemetryWindowEntity window = toEntity(w, now);
        window.buffered = current && feeds;
        window.driftScore = DriftReport.NOT_COMPUTED;
        if (window.buffered) {
            ObservationChunkEntity chunk = new ObservationChunkEntity();
            chunk.modelName = w.getModelName();
            chunk.modelVersion = w.getModelVersion();
            chunk.windowId = w.getWindowId();
            chunk.deviceId = w.getDeviceId();
            chunk.featureCount = w.getFeatureCount();
            if (w.getFeatureSketchesCount() > 0) {
                // every input of the window, summarized on the device; no raw rows needed
                chunk.rowCount = (int) Math.min(Integer.MAX_VALUE, w.getInferenceCount());
                chunk.data = new byte[0];
                chunk.sketches = Codec.blobs(w.getFeatureSketchesList().stream()
                        .map(s -> s.getKll().toByteArray())
                        .toList());
            } else {
                chunk.rowCount = w.getSampleCount();
                chunk.data = Codec.floats(toArray(w));
            }
            chunk.receivedAt = now;
            chunk.persist();
            model.buffered = true;
        }
        if (current) {
            model.current.add(window);
        }
        window.persist();
        return window;
    }

    /**
     * Whether the inputs of {@code w} (its sample or sketches) are data for drift detection: it must hold rows, come
     * from inferences that ran (an error-only window's inputs are not what the model saw), never be synthetic (random inputs shaped
     * like the model), and come from live traffic unless simulated sensor traffic is included
     * ({@code edgeloop.monitoring.drift.include-simulated}).
     */
    static boolean feedsDrift(TelemetryWindow w, boolean includeSimulated) {
        if ((w.getSampleCount() <= 0 && w.getFeatureSketchesCount() == 0) || w.getInferenceCount() <= 0) {
            return false;
        }
        String source = TelemetryValidation.source(w);
        if (TelemetryWindowEntity.SYNTHETIC.equals(source)) {
            return false;
        }
        return includeSimulated || !TelemetryWindowEntity.SIMULATOR.equals(source);
    }

    /**
     * The classified inferences of {@code windows} to keep for ground-truth feedback: every record of a window that
     * ran inferences, unless its inputs were synthetic (random inputs shaped like the model have no true label).
     */
    static List<InferenceStore.Reported> inferenceRows(List<TelemetryWindow> windows, Instant now) {
        List<InferenceStore.Reported> rows = new ArrayList<>();
        for (TelemetryWindow w : windows) {
            if (w.getInferenceCount() <= 0 || TelemetryWindowEntity.SYNTHETIC.equals(TelemetryValidation.source(w))) {
                continue;
            }
            for (InferenceRecord r : w.getInferencesList()) {
                rows.add(new InferenceStore.Reported(
                        w.getModelName(),
                        r.getInferenceId(),
                        w.getModelVersion(),
                        w.getDeviceId(),
                        w.getWindowId(),
                        r.getPredictedClass(),
                        r.getConfidence(),
                        ProtoTime.toInstant(r.getInferredAt()),
                        now,
                        r.getInputCount() == 0 ? null : input(r)));
            }
        }
        return rows;
    }

    private static float[] input(InferenceRecord r) {
        float[] x = new float[r.getInputCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.getInput(i);
        }
        return x;
    }

    /** A model's share of a batch: its locked state, and the stored windows of its deployed version. */
    private final class ModelBatch {
        final ModelStateEntity state;
        final List<TelemetryWindowEntity> current = new ArrayList<>();
        boolean buffered;
        /** The trace context of the model's last window in the batch: the one whose arrival completed it. */
        Context lastContext = Context.root();

        private ReferenceProfile reference;
        private boolean referenceRead;

        ModelBatch(ModelStateEntity state) {
            this.state = state;
        }

        ReferenceProfile reference() {
            if (!referenceRead) {
                reference = references.find(state.snapshotId).orElse(null);
                referenceRead = true;
            }
            return reference;
        }

        /** Trims the buffer and evaluates drift once; the deployed version's windows get the result. */
        void evaluate() {
            if (buffered) {
                monitor.trim(state);
            }
            if (current.isEmpty() || reference() == null) {
                return;
            }
            DriftReport report;
            try (Scope scope = lastContext.makeCurrent()) {
                report = monitor.evaluateAndAlert(state, reference());
            }
            for (TelemetryWindowEntity w : current) {
                w.driftScore = report.driftScore();
                w.driftDetected = report.driftDetected();
            }
        }
    }

    private static TelemetryWindowEntity toEntity(TelemetryWindow w, Instant now) {
        TelemetryWindowEntity e = new TelemetryWindowEntity();
        e.windowId = w.getWindowId();
        e.deviceId = w.getDeviceId();
        e.modelName = w.getModelName();
        e.modelVersion = w.getModelVersion();
        e.variantId = w.getVariantId();
        e.windowStart = w.hasWindowStart() ? ProtoTime.toInstant(w.getWindowStart()) : null;
        e.windowEnd = w.hasWindowEnd() ? ProtoTime.toInstant(w.getWindowEnd()) : null;
        e.inferenceCount = w.getInferenceCount();
        e.errorCount = w.getErrorCount();
        e.clientErrorCount = w.getClientErrorCount();
        e.source = TelemetryValidation.source(w);
        e.deploymentId = w.getDeploymentId().isBlank() ? null : w.getDeploymentId();
        e.featureCount = w.getFeatureCount();
        e.sampleCount = w.getSampleCount();
        e.latencyP50Us = w.getLatencyP50Us();
        e.latencyP99Us = w.getLatencyP99Us();
        e.predictedClassCounts.putAll(w.getPredictedClassCountsMap());
        e.receivedAt = now;
        return e;
    }

    private static float[] toArray(TelemetryWindow w) {
        float[] data = new float[w.getInputSampleCount()];
        for (int i = 0; i < data.length; i++) {
            data[i] = w.getInputSample(i);
        }
        return data;
    }

    private static TelemetryAck ack(double score, boolean detected) {
        return TelemetryAck.newBuilder()
                .setAccepted(true)
                .setDriftScore(score)
                .setDriftDetected(detected)
                .build();
    }
}
