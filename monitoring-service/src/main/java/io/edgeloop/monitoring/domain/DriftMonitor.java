package io.edgeloop.monitoring.domain;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.Topics;
import io.edgeloop.common.events.DeployedPhases;
import io.edgeloop.common.sketch.FeatureSketches;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.Codec;
import io.edgeloop.monitoring.persistence.DriftAlertEntity;
import io.edgeloop.monitoring.persistence.ModelStateEntity;
import io.edgeloop.monitoring.persistence.ObservationChunkEntity;
import io.edgeloop.monitoring.persistence.ReferenceStore;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.FeatureDrift;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.jboss.logging.Logger;

/**
 * The monitoring state machine: remembers the deployed version of each model, takes telemetry windows in, keeps the
 * bounded observation buffer of the deployed version, evaluates drift against the reference profile and emits
 * DriftDetected once per model version through the outbox. Reports of one model are serialized by a row lock on
 * its {@link ModelStateEntity}. Times (observation start, window receipt, alerts) come from the injected
 * {@link Clock}.
 */
@ApplicationScoped
public class DriftMonitor {
    /** Producer name in event metadata. */
    public static final String PRODUCER = "monitoring-service";

    private static final Logger LOG = Logger.getLogger(DriftMonitor.class);
    /** Buffered windows whose predicted classes are compared with the training labels. */
    static final int PREDICTION_WINDOWS = 200;

    @Inject
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    ReferenceStore references;

    @Inject
    LiveBaselines baselines;

    @Inject
    DriftHistory history;

    @Inject
    MonitoringMetrics metrics;

    @Inject
    MonitoringConfig config;

    @Inject
    Clock clock;

    /**
     * The drift state of a model as the REST API shows it.
     *
     * @param state the deployed version
     * @param report drift of its current observation buffer
     * @param alert the DriftDetected emitted for this version, or null
     */
    public record ModelDrift(ModelStateEntity state, DriftReport report, DriftAlertEntity alert, String referenceId) {}

    private record Evaluation(DriftReport report, ObservationBuffer.Selection selection) {}

    /**
     * Applies a Deployed event in the caller's transaction: the model's deployed version and reference become the
     * event's. When the version (or its snapshot) changes, the observation buffer starts empty, so inputs seen by
     * an older version no longer count; a redeployment of the same version keeps the buffer. A rolled-back rollout
     * makes the previously deployed version the monitored one again. A rejected version (no device touched) changes
     * nothing; a fleet change only updates the device list of the monitored version.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onDeployed(Deployed event) {
        if (DeployedPhases.of(event) == DeployedPhase.DEPLOYED_PHASE_REJECTED) {
            return;
        }
        ModelStateEntity s = em.find(ModelStateEntity.class, event.getModelName(), LockModeType.PESSIMISTIC_WRITE);
        Instant occurred = event.getMeta().hasOccurredAt()
                ? ProtoTime.toInstant(event.getMeta().getOccurredAt())
                : null;
        if (s != null && occurred != null && s.lastEventAt != null && occurred.isBefore(s.lastEventAt)) {
            LOG.infof(
                    "Deployed %s (%s v%d, %s) is older than the last one applied: ignored",
                    event.getMeta().getEventId(),
                    event.getModelName(),
                    event.getModelVersion(),
                    DeployedPhases.of(event));
            return;
        }
        if (s != null && occurred != null) {
            s.lastEventAt = occurred;
        }
        if (DeployedPhases.of(event) == DeployedPhase.DEPLOYED_PHASE_FLEET) {
            if (s != null && s.modelVersion == event.getModelVersion()) {
                s.deviceIds = String.join(",", event.getDeviceIdsList());
            }
            return;
        }
        Instant now = clock.instant();
        if (DeployedPhases.of(event) == DeployedPhase.DEPLOYED_PHASE_ROLLED_BACK) {
            rolledBack(s, event, now);
            return;
        }
        boolean fresh =
                s == null || s.modelVersion != event.getModelVersion() || !s.snapshotId.equals(event.getSnapshotId());
        boolean created = s == null;
        if (created) {
            s = new ModelStateEntity();
            s.modelName = event.getModelName();
        }
        if (fresh && !created && s.modelVersion != event.getModelVersion()) {
            s.previousModelVersion = s.modelVersion;
            s.previousSnapshotId = s.snapshotId;
        }
        if (fresh) {
            long dropped = ObservationChunkEntity.delete("modelName", event.getModelName());
            s.observingSince = now;
            LOG.infof(
                    "model %s v%d deployed (reference %s): new observation window, %d old chunks dropped",
                    event.getModelName(), event.getModelVersion(), event.getSnapshotId(), dropped);
        }
        s.modelVersion = event.getModelVersion();
        s.snapshotId = event.getSnapshotId();
        s.variantId = event.getVariantId();
        s.deploymentId = event.getDeploymentId();
        s.deployedEventId = event.getMeta().getEventId();
        s.deviceIds = String.join(",", event.getDeviceIdsList());
        s.deployedAt = now;
        s.lastEventAt = occurred;
        if (created) {
            em.persist(s);
        }
    }

    /** The devices went back to the version deployed before the rolled-back one: monitor that one again. */
    private static void rolledBack(ModelStateEntity s, Deployed event, Instant now) {
        if (s == null
                || s.modelVersion != event.getModelVersion()
                || s.previousModelVersion == null
                || s.previousModelVersion <= 0) {
            return;
        }
        ObservationChunkEntity.delete("modelName", event.getModelName());
        LOG.infof(
                "model %s v%d rolled back: monitoring v%d again",
                event.getModelName(), event.getModelVersion(), s.previousModelVersion);
        s.modelVersion = s.previousModelVersion;
        s.snapshotId = s.previousSnapshotId;
        s.previousModelVersion = 0;
        s.previousSnapshotId = null;
        s.observingSince = now;
    }

    /**
     * Evaluates the drift of {@code state}'s observation buffer against {@code reference} and emits DriftDetected
     * once per version when it drifted. Runs in the caller's transaction, which holds the state's row lock.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    DriftReport evaluateAndAlert(ModelStateEntity state, ReferenceProfile reference) {
        LiveBaselines.Resolution resolved = baselines.resolve(state, reference, true);
        if (resolved.reference() == null) {
            return DriftReport.notComputed(resolved.rows(), resolved.reason());
        }
        Evaluation evaluation = evaluate(state, resolved.reference(), false);
        history.record(state, resolved.reference().snapshotId(), evaluation.report());
        metrics.drift(state.modelName, evaluation.report());
        if (evaluation.report().driftDetected()) {
            fireOnce(state, resolved.reference(), evaluation);
        }
        return evaluation.report();
    }

    /** The drift state of {@code modelName}, empty when no deployment of it was seen. */
    @Transactional
    public Optional<ModelDrift> currentDrift(String modelName) {
        ModelStateEntity state = ModelStateEntity.findById(modelName);
        if (state == null) {
            return Optional.empty();
        }
        Optional<ReferenceProfile> training = references.find(state.snapshotId);
        LiveBaselines.Resolution resolved =
                training.map(ref -> baselines.resolve(state, ref, false)).orElse(null);
        DriftReport report;
        if (resolved == null) {
            report = DriftReport.notComputed(
                    bufferedRows(state), "no reference profile of " + state.snapshotId + " yet");
        } else if (resolved.reference() == null) {
            report = DriftReport.notComputed(resolved.rows(), resolved.reason());
        } else {
            report = evaluate(state, resolved.reference(), true).report();
            if (!report.computed()) {
                report = report.withReason(report.reason() + mismatch(state, resolved.reference()));
            }
        }
        String referenceId = resolved != null && resolved.reference() != null
                ? resolved.reference().snapshotId()
                : state.snapshotId;
        DriftAlertEntity alert = DriftAlertEntity.findById(DriftAlertEntity.idOf(modelName, state.modelVersion));
        return Optional.of(new ModelDrift(state, report, alert, referenceId));
    }

    /** Evaluator with the configured settings. */
    public DriftEvaluator evaluator() {
        MonitoringConfig.Drift d = config.drift();
        return new DriftEvaluator(new DriftPolicy(
                DriftPolicy.Method.of(d.method()),
                config.threshold(),
                config.alpha(),
                config.minSamples(),
                d.ksMaxRows(),
                d.featurePValue(),
                d.distanceThreshold(),
                d.share()));
    }

    /**
     * Why windows of the deployed version did not feed the buffer because their inputs have another width than the
     * reference: {@code "; 12 windows sent 8 features, the reference has 64"}, or empty.
     */
    private String mismatch(ModelStateEntity state, ReferenceProfile reference) {
        List<Object[]> widths = em.createQuery(
                        "select w.featureCount, count(w) from TelemetryWindowEntity w where w.modelName = ?1 and"
                                + " w.modelVersion = ?2 and w.featureCount <> ?3 and w.featureCount > 0 group by"
                                + " w.featureCount",
                        Object[].class)
                .setParameter(1, state.modelName)
                .setParameter(2, state.modelVersion)
                .setParameter(3, reference.featureCount())
                .getResultList();
        StringBuilder why = new StringBuilder();
        for (Object[] w : widths) {
            why.append("; ")
                    .append(w[1])
                    .append(" windows sent ")
                    .append(w[0])
                    .append(" features, the reference has ")
                    .append(reference.featureCount())
                    .append(" (not compared)");
        }
        return why.toString();
    }

    /** Deletes chunks that fall entirely outside the newest {@code buffer-size} rows. */
    void trim(ModelStateEntity state) {
        List<Object[]> sizes = em.createQuery(
                        "select c.id, c.rowCount from ObservationChunkEntity c where c.modelName = ?1 order by c.id"
                                + " desc",
                        Object[].class)
                .setParameter(1, state.modelName)
                .getResultList();
        List<Long> ids = new ArrayList<>(sizes.size());
        List<Integer> rows = new ArrayList<>(sizes.size());
        for (Object[] r : sizes) {
            ids.add((Long) r[0]);
            rows.add((Integer) r[1]);
        }
        long oldest = ObservationBuffer.oldestNeeded(ids, rows, config.bufferSize());
        if (oldest != Long.MIN_VALUE) {
            ObservationChunkEntity.delete("modelName = ?1 and id < ?2", state.modelName, oldest);
        }
    }

    /**
     * The buffer's drift; with {@code withPredictions} (always under {@code feature-share}, where it takes part in
     * the verdict; for reports under {@code ks-max}) also the drift of the predicted classes.
     */
    private Evaluation evaluate(ModelStateEntity state, ReferenceProfile reference, boolean withPredictions) {
        ObservationBuffer.Selection selection =
                ObservationBuffer.select(loadChunks(state), reference.featureCount(), config.bufferSize());
        DriftEvaluator evaluator = evaluator();
        DriftReport report = selection.sketched()
                ? evaluator.evaluate(reference, selection.sketches())
                : evaluator.evaluate(reference, selection.columns());
        if (report.computed() && (withPredictions || evaluator.policy().method() == DriftPolicy.Method.FEATURE_SHARE)) {
            PredictionDrift prediction = PredictionDrift.evaluate(
                            reference.labelCounts(), predictedClasses(state), evaluator.policy())
                    .orElse(null);
            report = report.withPrediction(prediction, evaluator.policy());
        }
        return new Evaluation(report, selection);
    }

    /** Predictions per class of the newest {@link #PREDICTION_WINDOWS} buffered windows of the deployed version. */
    private Map<String, Long> predictedClasses(ModelStateEntity state) {
        List<String> windows = em.createQuery(
                        "select w.windowId from TelemetryWindowEntity w where w.modelName = ?1 and w.modelVersion = ?2"
                                + " and w.buffered = true order by w.receivedAt desc",
                        String.class)
                .setParameter(1, state.modelName)
                .setParameter(2, state.modelVersion)
                .setMaxResults(PREDICTION_WINDOWS)
                .getResultList();
        Map<String, Long> counts = new TreeMap<>();
        if (windows.isEmpty()) {
            return counts;
        }
        em.createQuery(
                        "select key(c), sum(value(c)) from TelemetryWindowEntity w join w.predictedClassCounts c"
                                + " where w.windowId in ?1 group by key(c)",
                        Object[].class)
                .setParameter(1, windows)
                .getResultList()
                .forEach(r -> counts.put((String) r[0], ((Number) r[1]).longValue()));
        return counts;
    }

    private List<ObservationBuffer.Chunk> loadChunks(ModelStateEntity state) {
        List<ObservationChunkEntity> rows = ObservationChunkEntity.find(
                        "modelName = ?1 and modelVersion = ?2 order by id desc", state.modelName, state.modelVersion)
                .list();
        List<ObservationBuffer.Chunk> chunks = new ArrayList<>(rows.size());
        int total = 0;
        for (ObservationChunkEntity c : rows) {
            if (total >= config.bufferSize()) {
                break;
            }
            chunks.add(chunk(c));
            total += c.rowCount;
        }
        return chunks;
    }

    /** A stored chunk as the buffer's input: raw rows, or its sketches read back. */
    static ObservationBuffer.Chunk chunk(ObservationChunkEntity c) {
        List<KllFloatsSketch> sketches = c.sketches == null
                ? null
                : Codec.blobs(c.sketches).stream().map(FeatureSketches::read).toList();
        return new ObservationBuffer.Chunk(
                c.id, c.deviceId, c.rowCount, c.featureCount, Codec.floats(c.data), sketches);
    }

    private int bufferedRows(ModelStateEntity state) {
        Long rows = em.createQuery(
                        "select coalesce(sum(c.rowCount), 0) from ObservationChunkEntity c where c.modelName = ?1"
                                + " and c.modelVersion = ?2",
                        Long.class)
                .setParameter(1, state.modelName)
                .setParameter(2, state.modelVersion)
                .getSingleResult();
        return (int) Math.min(rows, config.bufferSize());
    }

    /** Emits DriftDetected for the deployed version unless it was emitted before. */
    private void fireOnce(ModelStateEntity state, ReferenceProfile reference, Evaluation evaluation) {
        String alertId = DriftAlertEntity.idOf(state.modelName, state.modelVersion);
        if (DriftAlertEntity.findById(alertId) != null) {
            return;
        }
        DriftReport report = evaluation.report();
        EventMeta meta = Events.newMeta(PRODUCER, UUID.randomUUID().toString(), state.deployedEventId);
        DriftDetected.Builder event = DriftDetected.newBuilder()
                .setMeta(meta)
                .setModelName(state.modelName)
                .setModelVersion(state.modelVersion)
                .setDatasetName(reference.datasetName())
                .setReferenceSnapshotId(reference.snapshotId())
                .addAllDeviceIds(evaluation.selection().deviceIds())
                .setDriftScore(report.driftScore())
                .setThreshold(report.threshold())
                .setMethod(report.method())
                .setWindowSampleCount(report.sampleCount());
        for (DriftReport.FeatureResult f : report.features()) {
            event.addFeatures(FeatureDrift.newBuilder()
                    .setFeatureIndex(f.index())
                    .setKsStatistic(f.ksStatistic())
                    .setPValue(f.pValue())
                    .setPsi(f.psi())
                    .setReferenceMean(f.referenceMean())
                    .setObservedMean(f.observedMean())
                    .setKind(f.kind())
                    .setTest(f.test())
                    .setStatistic(f.statistic())
                    .setThreshold(f.featureThreshold())
                    .setDrifted(f.drifted()));
        }
        DriftAlertEntity alert = new DriftAlertEntity();
        alert.id = alertId;
        alert.modelName = state.modelName;
        alert.modelVersion = state.modelVersion;
        alert.eventId = meta.getEventId();
        alert.correlationId = meta.getCorrelationId();
        alert.driftScore = report.driftScore();
        alert.sampleCount = report.sampleCount();
        alert.firedAt = clock.instant();
        alert.persist();
        outbox.enqueue(Topics.DRIFT_DETECTED, state.modelName, meta, event.build());
        LOG.infof(
                "drift detected for %s v%d: score %.3f > %.3f over %d rows from %s; DriftDetected %s",
                state.modelName,
                state.modelVersion,
                report.driftScore(),
                report.threshold(),
                report.sampleCount(),
                evaluation.selection().deviceIds(),
                meta.getEventId());
    }
}
