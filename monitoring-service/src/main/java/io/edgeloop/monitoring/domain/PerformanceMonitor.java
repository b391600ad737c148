package io.edgeloop.monitoring.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.DriftAlertEntity;
import io.edgeloop.monitoring.persistence.InferenceRecordEntity;
import io.edgeloop.monitoring.persistence.InferenceStore;
import io.edgeloop.monitoring.persistence.ModelStateEntity;
import io.edgeloop.monitoring.persistence.ModelVersionFactsEntity;
import io.edgeloop.monitoring.persistence.ReferenceStore;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.PerformanceDrift;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;
import org.jboss.logging.Logger;

/**
 * Performance monitoring with ground truth: takes fed-back labels of reported inferences (joined by inference id,
 * idempotent), computes a version's live {@link PerformanceMetrics}, and emits {@code DriftDetected} with method
 * {@value #METHOD} through the outbox, once per model version, when the deployed version's accuracy is significantly
 * below its test accuracy ({@link PerformanceCheck}). A version's class labels and test accuracy come from the
 * registry ({@link VersionFacts.Source}) and are kept in {@code model_version_facts}.
 */
@ApplicationScoped
public class PerformanceMonitor {
    /** {@code DriftDetected.method} of a performance drift. */
    public static final String METHOD = "performance";

    private static final Logger LOG = Logger.getLogger(PerformanceMonitor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager em;

    @Inject
    InferenceStore inferences;

    @Inject
    ReferenceStore references;

    @Inject
    VersionFacts.Source registry;

    @Inject
    Outbox outbox;

    @Inject
    LabelledSamples samples;

    @Inject
    MonitoringConfig config;

    @Inject
    Clock clock;

    /** The facts of a version could not be read (registry unreachable, version unknown there). */
    public static final class FactsUnavailableException extends RuntimeException {
        FactsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A version's live performance and its drift verdict.
     *
     * @param facts class labels and test accuracy, null when the registry could not be read
     * @param factsProblem why facts is null
     * @param alert the performance DriftDetected emitted for the version, or null
     */
    public record Performance(
            String modelName,
            int modelVersion,
            PerformanceMetrics metrics,
            VersionFacts facts,
            String factsProblem,
            PerformanceCheck.Verdict verdict,
            DriftAlertEntity alert) {
        Performance withFactsProblem(String problem) {
            return new Performance(modelName, modelVersion, metrics, facts, problem, verdict, alert);
        }
    }

    /** The configured test. */
    public PerformanceCheck check() {
        MonitoringConfig.Performance p = config.performance();
        return new PerformanceCheck(p.minLabelled(), p.margin(), p.alpha());
    }

    /**
     * The facts of a version: stored, else read from the registry and stored.
     *
     * @throws FactsUnavailableException when they are not stored and the registry cannot say
     */
    public VersionFacts facts(String modelName, int version) {
        Optional<VersionFacts> stored = QuarkusTransaction.requiringNew().call(() -> storedFacts(modelName, version));
        if (stored.isPresent()) {
            return stored.get();
        }
        VersionFacts fetched;
        try {
            fetched = registry.fetch(modelName, version);
        } catch (RuntimeException e) {
            // the status only: never an exception's class or internals in an answer
            io.grpc.Status status = io.grpc.Status.fromThrowable(e);
            throw new FactsUnavailableException(
                    "class labels and test accuracy of " + modelName + " v" + version + " are unavailable from the"
                            + " registry: " + status.getCode()
                            + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"),
                    e);
        }
        QuarkusTransaction.requiringNew().run(() -> storeFacts(modelName, version, fetched));
        return fetched;
    }

    private Optional<VersionFacts> storedFacts(String modelName, int version) {
        ModelVersionFactsEntity e =
                em.find(ModelVersionFactsEntity.class, new ModelVersionFactsEntity.Key(modelName, version));
        if (e == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new VersionFacts(
                    JSON.readValue(e.classLabels, new TypeReference<>() {}), e.testAccuracy, e.datasetName));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored class labels of " + modelName + " v" + version + " unreadable", ex);
        }
    }

    /**
     * Stores a version's facts unless they are already stored. Two first readers of the same version (a feedback
     * request and the captured-samples job, say) may both fetch them; the insert ignores the second one instead of
     * failing its transaction on the primary key.
     */
    private void storeFacts(String modelName, int version, VersionFacts facts) {
        String labels;
        try {
            labels = JSON.writeValueAsString(facts.classLabels());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        em.createNativeQuery("insert into model_version_facts"
                        + " (model_name, model_version, class_labels, test_accuracy, dataset_name, fetched_at)"
                        + " values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (model_name, model_version) do nothing")
                .unwrap(NativeQuery.class)
                .setParameter(1, modelName, StandardBasicTypes.STRING)
                .setParameter(2, version, StandardBasicTypes.INTEGER)
                .setParameter(3, labels, StandardBasicTypes.STRING)
                .setParameter(4, facts.testAccuracy(), StandardBasicTypes.DOUBLE)
                .setParameter(5, facts.datasetName(), StandardBasicTypes.STRING)
                .setParameter(6, clock.instant(), StandardBasicTypes.INSTANT)
                .executeUpdate();
    }

    /**
     * Stores validated feedback for inferences of {@code modelName}. A device ({@code deviceOnly} = its id) may
     * label only its own inferences. The same label again changes nothing (a duplicate); another label for the same
     * inference replaces it. Afterwards the deployed version's accuracy is tested (and DriftDetected emitted once).
     *
     * @throws FactsUnavailableException when a version's class labels cannot be read
     */
    public Feedback.Submission submit(String modelName, List<Feedback.Item> items, String deviceOnly) {
        Set<String> ids = new TreeSet<>();
        items.forEach(i -> ids.add(i.inferenceId()));
        Map<String, Integer> versions = new HashMap<>();
        QuarkusTransaction.requiringNew()
                .run(() -> inferences.find(modelName, ids).forEach((id, r) -> versions.put(id, r.modelVersion)));
        Map<Integer, VersionFacts> facts = new HashMap<>();
        for (int v : new TreeSet<>(versions.values())) {
            facts.put(v, facts(modelName, v));
        }
        return QuarkusTransaction.requiringNew().call(() -> store(modelName, items, deviceOnly, facts));
    }

    private Feedback.Submission store(
            String modelName, List<Feedback.Item> items, String deviceOnly, Map<Integer, VersionFacts> facts) {
        ModelStateEntity state = em.find(ModelStateEntity.class, modelName, LockModeType.PESSIMISTIC_WRITE);
        Map<String, InferenceRecordEntity> rows = inferences.find(
                modelName, items.stream().map(Feedback.Item::inferenceId).toList());
        // an inference whose telemetry window was stored after submit() looked (a device reporting while its feedback
        // arrives) has a version whose facts were not read yet: read them now (new transactions, outside this one)
        for (InferenceRecordEntity row : rows.values()) {
            facts.computeIfAbsent(row.modelVersion, v -> facts(modelName, v));
        }
        Instant now = clock.instant();
        List<Feedback.Result> results = new ArrayList<>(items.size());
        boolean deployedChanged = false;
        for (Feedback.Item item : items) {
            InferenceRecordEntity row = rows.get(item.inferenceId());
            Feedback.Result result = apply(item, row, deviceOnly, facts, now);
            results.add(result);
            if (result.outcome() != Feedback.Outcome.ACCEPTED || result.duplicate()) {
                continue;
            }
            samples.publish(row, facts.get(row.modelVersion));
            if (state != null && row.modelVersion == state.modelVersion) {
                deployedChanged = true;
            }
        }
        if (deployedChanged) {
            em.flush();
            evaluateAndAlert(state, facts.get(state.modelVersion));
        }
        return new Feedback.Submission(results);
    }

    private static Feedback.Result apply(
            Feedback.Item item,
            InferenceRecordEntity row,
            String deviceOnly,
            Map<Integer, VersionFacts> facts,
            Instant now) {
        String id = item.inferenceId();
        if (row == null) {
            return new Feedback.Result(
                    id,
                    Feedback.Outcome.UNKNOWN_INFERENCE,
                    "no inference '" + id + "' of the model was reported",
                    false);
        }
        if (deviceOnly != null && !deviceOnly.equals(row.deviceId)) {
            return new Feedback.Result(
                    id, Feedback.Outcome.FORBIDDEN, "a device gives feedback only for its own inferences", false);
        }
        VersionFacts f = facts.get(row.modelVersion);
        int trueClass = f.classOf(item.label(), item.classIndex());
        if (trueClass < 0) {
            String given = item.label() != null ? "label '" + item.label() + "'" : "class index " + item.classIndex();
            return new Feedback.Result(
                    id,
                    Feedback.Outcome.INVALID_LABEL,
                    given + " is not a class of v" + row.modelVersion + " " + f.classLabels(),
                    false);
        }
        if (row.trueClass != null && row.trueClass == trueClass) {
            return new Feedback.Result(id, Feedback.Outcome.ACCEPTED, null, true);
        }
        row.trueClass = trueClass;
        row.labelledAt = now;
        return new Feedback.Result(id, Feedback.Outcome.ACCEPTED, null, false);
    }

    /**
     * The live performance of {@code modelName} {@code version} within {@code scope}'s device and time filters; the
     * verdict is the version's (all its labelled inferences).
     */
    public Performance performance(InferenceStore.Scope scope) {
        VersionFacts facts = null;
        String factsProblem = null;
        try {
            facts = facts(scope.modelName(), scope.modelVersion());
        } catch (FactsUnavailableException e) {
            factsProblem = e.getMessage();
        }
        VersionFacts known = facts;
        return QuarkusTransaction.requiringNew()
                .call(() -> {
                    List<String> labels = known == null ? List.of() : known.classLabels();
                    PerformanceMetrics metrics = metrics(scope, labels);
                    InferenceStore.Scope whole =
                            new InferenceStore.Scope(scope.modelName(), scope.modelVersion(), null, null, null);
                    PerformanceMetrics all = whole.equals(scope) ? metrics : metrics(whole, labels);
                    PerformanceCheck.Verdict verdict = check().judge(
                                    all.labelledCount(),
                                    all.correctCount(),
                                    known == null ? null : known.testAccuracy());
                    DriftAlertEntity alert =
                            DriftAlertEntity.findById(alertId(scope.modelName(), scope.modelVersion()));
                    return new Performance(
                            scope.modelName(), scope.modelVersion(), metrics, known, null, verdict, alert);
                })
                .withFactsProblem(factsProblem);
    }

    /**
     * The performance of {@code modelName} {@code version} per value of the devices' label {@code key} (their
     * segments), by value; the class labels as in {@link #performance} (empty when the registry cannot say).
     */
    public Map<String, PerformanceMetrics> segments(String modelName, int version, String key) {
        List<String> labels;
        try {
            labels = facts(modelName, version).classLabels();
        } catch (FactsUnavailableException e) {
            labels = List.of();
        }
        List<String> known = labels;
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, List<PerformanceMetrics.Outcome>> by = new java.util.TreeMap<>();
            for (InferenceStore.SegmentLabelled s : inferences.labelledBySegment(modelName, version, key)) {
                by.computeIfAbsent(s.segment(), x -> new ArrayList<>())
                        .add(new PerformanceMetrics.Outcome(
                                s.labelled().predictedClass(),
                                s.labelled().trueClass(),
                                s.labelled().confidence()));
            }
            Map<String, PerformanceMetrics> out = new java.util.LinkedHashMap<>();
            by.forEach((value, outcomes) -> out.put(value, PerformanceMetrics.of(outcomes, known)));
            return out;
        });
    }

    private PerformanceMetrics metrics(InferenceStore.Scope scope, List<String> labels) {
        List<PerformanceMetrics.Outcome> outcomes = inferences.labelled(scope).stream()
                .map(l -> new PerformanceMetrics.Outcome(l.predictedClass(), l.trueClass(), l.confidence()))
                .toList();
        return PerformanceMetrics.of(outcomes, labels);
    }

    /**
     * The confidence drift of {@code modelName} {@code version}: its first {@code confidence-window} inferences
     * against its newest as many; empty with the reason when there are fewer than twice as many.
     */
    public ConfidenceReport confidenceDrift(String modelName, int version) {
        int n = config.performance().confidenceWindow();
        return QuarkusTransaction.requiringNew().call(() -> {
            long count = inferences.count(modelName, version);
            if (count < 2L * n) {
                return new ConfidenceReport(
                        null,
                        count + " inferences of v" + version + " reported, confidence drift needs " + (2L * n)
                                + " (the first " + n + " and the newest " + n + ")");
            }
            Optional<ConfidenceDrift> d = ConfidenceDrift.evaluate(
                    inferences.confidences(modelName, version, true, n),
                    inferences.confidences(modelName, version, false, n),
                    config.performance().alpha());
            return new ConfidenceReport(d.orElse(null), d.isPresent() ? null : "too few inferences");
        });
    }

    /** A confidence drift result, or why there is none. */
    public record ConfidenceReport(ConfidenceDrift drift, String reason) {}

    /** The alert key of a version's performance drift (apart from its input drift alert). */
    static String alertId(String modelName, int version) {
        return DriftAlertEntity.idOf(modelName, version) + "/" + METHOD;
    }

    /** Tests the deployed version's accuracy and emits DriftDetected once per version when it has fallen. */
    private void evaluateAndAlert(ModelStateEntity state, VersionFacts facts) {
        String alertId = alertId(state.modelName, state.modelVersion);
        if (DriftAlertEntity.findById(alertId) != null) {
            return;
        }
        InferenceStore.Scope whole = new InferenceStore.Scope(state.modelName, state.modelVersion, null, null, null);
        PerformanceMetrics m = metrics(whole, facts.classLabels());
        PerformanceCheck.Verdict v = check().judge(m.labelledCount(), m.correctCount(), facts.testAccuracy());
        if (!v.drifted()) {
            return;
        }
        EventMeta meta = Events.newMeta(DriftMonitor.PRODUCER, UUID.randomUUID().toString(), state.deployedEventId);
        // the snapshot's dataset (data-service cuts the next snapshot of it); "<dataset>@v<n>" without a profile
        int at = state.snapshotId.indexOf('@');
        String dataset = references
                .find(state.snapshotId)
                .map(ReferenceProfile::datasetName)
                .orElse(at > 0 ? state.snapshotId.substring(0, at) : state.snapshotId);
        double drop = facts.testAccuracy() - m.accuracy();
        DriftDetected event = DriftDetected.newBuilder()
                .setMeta(meta)
                .setModelName(state.modelName)
                .setModelVersion(state.modelVersion)
                .setDatasetName(dataset)
                .setReferenceSnapshotId(state.snapshotId)
                .addAllDeviceIds(inferences.labelledDevices(state.modelName, state.modelVersion))
                .setDriftScore(drop)
                .setThreshold(config.performance().margin())
                .setMethod(METHOD)
                .setWindowSampleCount(m.labelledCount())
                .setPerformance(PerformanceDrift.newBuilder()
                        .setCorrectCount(m.correctCount())
                        .setLabelledCount(m.labelledCount())
                        .setAccuracy(m.accuracy())
                        .setTestAccuracy(facts.testAccuracy())
                        .setMargin(config.performance().margin())
                        .setPValue(v.pValue())
                        .setAlpha(config.performance().alpha())
                        .setReason(v.reason()))
                .build();
        DriftAlertEntity alert = new DriftAlertEntity();
        alert.id = alertId;
        alert.modelName = state.modelName;
        alert.modelVersion = state.modelVersion;
        alert.eventId = meta.getEventId();
        alert.correlationId = meta.getCorrelationId();
        alert.driftScore = drop;
        alert.sampleCount = (int) Math.min(Integer.MAX_VALUE, m.labelledCount());
        alert.firedAt = clock.instant();
        alert.persist();
        outbox.enqueue(Topics.DRIFT_DETECTED, state.modelName, meta, event);
        LOG.infof(
                "performance drift of %s v%d: %s; DriftDetected %s",
                state.modelName, state.modelVersion, v.reason(), meta.getEventId());
    }
}
