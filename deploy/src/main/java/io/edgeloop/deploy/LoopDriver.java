package io.edgeloop.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.FeatureDrift;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.VariantSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Drives the closed loop through a running {@link LocalStack}, the way a team would: create a dataset, ingest
 * labelled sensor data, cut a snapshot and watch the model get trained, compiled, registered and rolled out to the
 * devices; then the sensors get remounted (drift), field data from the new mounting is labelled and ingested,
 * monitoring detects the drift, and a second model version is trained and rolled out without anyone asking.
 */
public final class LoopDriver {
    /** The dataset (and model) name used by the demo. */
    public static final String DATASET = "vibration";

    /** Deployed.phase of a rollout whose health gate failed. */
    static final String ROLLED_BACK = "rolled-back";

    private static final int SAMPLES_PER_ITERATION = 2400;
    /** Queued samples the report reads (data-service's largest page). */
    private static final int QUEUE_PAGE = 1000;
    /** How long a call waits for a restarting service instance to accept connections again. */
    private static final Duration RESTART_PATIENCE = Duration.ofSeconds(90);

    private static final int LIVE_PROBE_SAMPLES = 200;

    private final LocalStack stack;
    private final EventWatcher events;
    private final Consumer<String> log;
    private final Duration stageTimeout;

    public LoopDriver(LocalStack stack, EventWatcher events, Consumer<String> log, Duration stageTimeout) {
        this.stack = stack;
        this.events = events;
        this.log = log;
        this.stageTimeout = stageTimeout;
    }

    /** Runs two iterations of the loop (the second triggered by drift) and reports the outcome. */
    public LoopReport run() throws InterruptedException {
        long t0 = System.nanoTime();
        String data = stack.url("data-service");

        log.accept("== iteration 1: labelled data from the original sensor mounting");
        setPolicy();
        Json.put(
                        data + "/datasets/" + DATASET,
                        Map.of("featureNames", SensorSimulator.FEATURES, "labels", SensorSimulator.LABELS))
                .expect(200, 201);
        // the simulator's readings are never identical, so dropping duplicates loses nothing and makes a batch sent
        // again (its first answer lost) a no-op
        Json.put(data + "/datasets/" + DATASET + "/settings", Map.of("duplicates", "drop"))
                .expect(200);
        showRejection(data);
        ingest(data, new SensorSimulator(42), SAMPLES_PER_ITERATION);
        JsonNode snap1 = Json.post(data + "/datasets/" + DATASET + "/snapshots", Map.of("trigger", "manual"))
                .expect(200, 201)
                .body();
        int datasetV1 = snap1.path("version").asInt();
        log.accept("snapshot " + snap1.path("snapshotId").asText() + " cut (content "
                + abbreviate(snap1.path("contentHash").asText()) + ")");

        DataReady ready1 = events.await(
                DataReady.class, e -> e.getDatasetVersion() == datasetV1, stageTimeout, "DataReady v" + datasetV1);
        Deployed deployed1 = followIteration(ready1);
        int v1 = deployed1.getModelVersion();
        awaitDevicesServing(v1);
        awaitRolloutCompleted(v1);

        log.accept("== the sensors are remounted: inputs drift away from the training data");
        // the labelled readings first: measuring the accuracy sends drifted inputs through the agents too, and a
        // drift verdict that finds nothing new in the data set retrains nothing
        log.accept("field engineers label " + SAMPLES_PER_ITERATION + " readings from the new mounting");
        ingest(data, new SensorSimulator(43).drift(SensorSimulator.Drift.REMOUNTED), SAMPLES_PER_ITERATION);
        double accBefore = liveAccuracy(new SensorSimulator(77).drift(SensorSimulator.Drift.REMOUNTED));
        log.accept(
                String.format("model v%d on remounted-sensor data (through the agents): accuracy %.3f", v1, accBefore));
        for (String agent : stack.agentUrls()) {
            Json.put(agent + "/simulator", Map.of("drift", "remounted")).expect(200, 204);
        }

        log.accept("== iteration 2: monitoring should notice, and the loop retrain by itself");
        DriftDetected drift = events.await(
                DriftDetected.class, e -> e.getModelVersion() == v1, stageTimeout, "DriftDetected for v" + v1);
        DataReady ready2 = events.await(
                DataReady.class, e -> e.getDatasetVersion() > datasetV1, stageTimeout, "DataReady after drift");
        Deployed deployed2 = followIteration(ready2);
        int v2 = deployed2.getModelVersion();
        Map<String, Integer> devices = awaitDevicesServing(v2);
        awaitRolloutCompleted(v2);
        double accAfter = liveAccuracy(new SensorSimulator(77).drift(SensorSimulator.Drift.REMOUNTED));
        log.accept(
                String.format("model v%d on remounted-sensor data (through the agents): accuracy %.3f", v2, accAfter));

        List<LoopReport.Iteration> iterations = List.of(
                iteration(
                        "manual snapshot",
                        ready1,
                        events.recordOf(ready1).orElseThrow().traceId()),
                iteration(
                        "drift " + String.format("%.2f", drift.getDriftScore()),
                        ready2,
                        events.recordOf(drift).orElseThrow().traceId()));
        return new LoopReport(
                versions(),
                devices,
                accBefore,
                accAfter,
                drift.getDriftScore(),
                drift.getFeaturesList().stream()
                        .filter(FeatureDrift::getDrifted)
                        .map(f -> SensorSimulator.FEATURES.get(f.getFeatureIndex()))
                        .toList(),
                iterations,
                events.events(Deployed.class).size(),
                events.events(DriftDetected.class).size(),
                driftOutcomes(),
                labelQueue(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** Waits for training, compilation and rollout caused by {@code ready}. */
    private Deployed followIteration(DataReady ready) throws InterruptedException {
        String snapshot = ready.getSnapshotId();
        ModelTrained trained = events.await(
                ModelTrained.class,
                e -> e.getSnapshotId().equals(snapshot),
                stageTimeout,
                "ModelTrained for " + snapshot);
        int version = trained.getModelVersion();
        events.await(
                ModelOptimized.class,
                e -> e.getModelVersion() == version,
                stageTimeout,
                "ModelOptimized for v" + version);
        return events.await(Deployed.class, e -> e.getModelVersion() == version, stageTimeout, "Deployed v" + version);
    }

    /**
     * The demo's deployment policy for its model: every device, new versions roll out by themselves (canary of half
     * the fleet, 5 s soak and health gate, then the rest), and a candidate must reach 70% accuracy and may not be more
     * than 5 points worse than the version in production on the same test data. Without a policy a model is
     * registered and compiled but deployed nowhere.
     */
    private void setPolicy() {
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("canaryPercent", 50);
        rollout.put("wavePercents", List.of(100));
        rollout.put("soakTimeMs", 5000);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("selector", Map.of());
        policy.put("autoRollout", true);
        policy.put("rollout", rollout);
        policy.put("promotion", Map.of("minAccuracy", 0.7, "maxAccuracyDrop", 0.05));
        Json.put(stack.url("deployment-service") + "/policies/" + DATASET, policy)
                .expect(200, 201);
        log.accept("deployment policy for " + DATASET + ": every device, canary 50% -> soak 5 s + gate -> 100%;"
                + " promotion: accuracy >= 0.70 and at most 0.05 below production");
    }

    /** What became of each DriftDetected: the snapshot it caused, or why none was cut. */
    private List<String> driftOutcomes() {
        List<String> out = new ArrayList<>();
        for (DriftDetected d : events.events(DriftDetected.class)) {
            String caused = events.events(DataReady.class).stream()
                    .filter(r -> r.getMeta().getCausationId().equals(d.getMeta().getEventId()))
                    .map(DataReady::getSnapshotId)
                    .findFirst()
                    .map(id -> "retraining on " + id)
                    .orElse("no new labelled data since the last snapshot, so no retraining");
            out.add(String.format(
                    "v%d drift %.2f (vs %s) -> %s",
                    d.getModelVersion(), d.getDriftScore(), d.getReferenceSnapshotId(), caused));
        }
        return out;
    }

    /** Waits until the rollout of {@code version} passed its last health gate (its "completed" Deployed event). */
    private void awaitRolloutCompleted(int version) throws InterruptedException {
        events.await(
                Deployed.class,
                e -> e.getModelVersion() == version
                        && (e.getPhase().isEmpty() || e.getPhase().equals("completed")),
                stageTimeout,
                "completed rollout of v" + version);
    }

    private void showRejection(String data) {
        List<Map<String, Object>> bad = new ArrayList<>();
        bad.add(sample(new Object[] {0.3, 0.3, 0.2, 0.9, 3.0, 3.0, 25.0, null}, "normal"));
        bad.add(sample(new Object[] {0.3, 0.3, 0.2}, "normal"));
        bad.add(sample(new Object[] {0.3, 0.3, 0.2, 0.9, 3.0, 3.0, 25.0, 40.0}, "on-fire"));
        Json.Reply r = Json.post(data + "/datasets/" + DATASET + "/samples", Map.of("samples", bad));
        if (r.status() != 422) {
            throw new IllegalStateException("a batch with bad samples was not rejected: " + r);
        }
        List<String> reasons = new ArrayList<>();
        r.body()
                .path("errors")
                .forEach(e -> reasons.add(
                        e.path("field").asText() + ": " + e.path("message").asText()));
        log.accept("bad batch rejected with 422, nothing stored: " + reasons);
    }

    private static Map<String, Object> sample(Object[] features, String label) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("features", features);
        m.put("label", label);
        m.put("source", "demo");
        return m;
    }

    private void ingest(String data, SensorSimulator sim, int count) {
        int accepted = 0;
        for (int done = 0; done < count; done += 600) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(600, count - done); i++) {
                SensorSimulator.Reading r = sim.next();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("features", r.features());
                m.put("label", r.label());
                m.put("source", "demo");
                batch.add(m);
            }
            // a data-service instance may die mid-request or be restarting (the end-to-end test kills one after the
            // drift): the batch is sent again, which the data set's duplicate dropping makes safe
            JsonNode body = Json.retryingUnanswered(
                            RESTART_PATIENCE,
                            () -> Json.post(data + "/datasets/" + DATASET + "/samples", Map.of("samples", batch)))
                    .expect(200, 201, 202)
                    .body();
            accepted += body.path("accepted").asInt();
        }
        log.accept("ingested " + accepted + " labelled samples into data-service");
    }

    /** Accuracy of whatever the agents serve now on labelled readings from {@code sim}, through their REST API. */
    private double liveAccuracy(SensorSimulator sim) {
        List<String> agents = stack.agentUrls();
        int correct = 0;
        for (int i = 0; i < LIVE_PROBE_SAMPLES; i++) {
            SensorSimulator.Reading r = sim.next();
            JsonNode out = Json.post(agents.get(i % agents.size()) + "/infer", Map.of("features", r.features()))
                    .expect(200)
                    .body();
            if (out.path("label").asText().equals(r.label())) {
                correct++;
            }
        }
        return correct / (double) LIVE_PROBE_SAMPLES;
    }

    private Map<String, Integer> awaitDevicesServing(int version) {
        Map<String, Integer> serving = new LinkedHashMap<>();
        try {
            Awaitility.await("devices serving v" + version)
                    .atMost(stageTimeout)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        serving.clear();
                        List<String> urls = stack.agentUrls();
                        for (int i = 0; i < urls.size(); i++) {
                            JsonNode s = Json.get(urls.get(i) + "/status").body();
                            serving.put(
                                    stack.deviceIds().get(i),
                                    s.path("modelVersion").asInt());
                        }
                        return serving.values().stream().allMatch(v -> v == version);
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "devices do not serve v" + version + ": " + serving + "; the fleet's view: " + fleetView(), e);
        }
        log.accept("devices " + serving.keySet() + " serve model v" + version);
        return Collections.unmodifiableMap(new TreeMap<>(serving));
    }

    /** What deployment-service says of the devices (for a failure message), or why it could not be read. */
    private String fleetView() {
        try {
            return Json.get(stack.url("deployment-service") + "/devices").body().toString();
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    /** The data set's labelling queue now (its first page): captured inputs with the suggested labels. */
    LoopReport.LabelQueue labelQueue() {
        JsonNode page = Json.retryingUnanswered(
                        RESTART_PATIENCE,
                        () -> Json.get(
                                stack.url("data-service") + "/datasets/" + DATASET + "/queue?limit=" + QUEUE_PAGE))
                .expect(200)
                .body();
        int captured = 0;
        double least = Double.NaN;
        java.util.Set<String> versions = new java.util.TreeSet<>();
        java.util.Set<String> devices = new java.util.TreeSet<>();
        int rescored = 0;
        java.util.Set<String> rescoredBy = new java.util.TreeSet<>();
        java.util.Set<String> rescoredCaptures = new java.util.TreeSet<>();
        for (JsonNode q : page.path("samples")) {
            if (q.path("suggestedLabel").isTextual()) {
                captured++;
                double c = q.path("confidence").asDouble();
                least = Double.isNaN(least) ? c : Math.min(least, c);
                versions.add("v" + q.path("modelVersion").asInt());
                if (q.path("deviceId").isTextual()) {
                    devices.add(q.path("deviceId").asText());
                }
            }
            if (q.path("rescoredAt").isTextual()) {
                rescored++;
                rescoredBy.add("v" + q.path("scoredByVersion").asInt());
                rescoredCaptures.add("v" + q.path("modelVersion").asInt());
            }
        }
        return new LoopReport.LabelQueue(
                captured,
                !page.path("next").isNull(),
                least,
                versions,
                devices,
                rescored,
                rescoredBy,
                rescoredCaptures);
    }

    private List<LoopReport.Version> versions() {
        JsonNode list = Json.retryingUnanswered(
                        RESTART_PATIENCE,
                        () -> Json.get(stack.url("registry-service") + "/models/" + DATASET + "/versions"))
                .expect(200)
                .body();
        JsonNode items = list.isArray() ? list : list.path("versions");
        List<LoopReport.Version> out = new ArrayList<>();
        for (JsonNode v : items) {
            int version = v.path("version").asInt();
            ModelTrained trained = events.events(ModelTrained.class).stream()
                    .filter(e -> e.getModelVersion() == version)
                    .findFirst()
                    .orElse(null);
            List<String> variants = new ArrayList<>();
            v.path("variants").forEach(x -> variants.add(x.path("target").asText()));
            out.add(new LoopReport.Version(
                    version,
                    v.path("lineage").path("snapshotId").asText(),
                    v.path("lineage").path("parentVersion").asInt(),
                    v.path("lineage").path("trainingRunId").asText(),
                    trained == null ? Double.NaN : trained.getTestMetrics().getAccuracy(),
                    trained == null ? Double.NaN : trained.getTestMetrics().getMacroF1(),
                    variants,
                    v.path("artifactSha256").asText()));
        }
        out.sort((a, b) -> Integer.compare(a.version(), b.version()));
        return out;
    }

    private LoopReport.Iteration iteration(String trigger, DataReady ready, String traceId)
            throws InterruptedException {
        Set<String> services = awaitTrace(traceId);
        return new LoopReport.Iteration(trigger, ready.getMeta().getCorrelationId(), traceId, services);
    }

    /** Waits (briefly) until spans of the trace arrived from every service, as exporters batch them. */
    private Set<String> awaitTrace(String traceId) {
        if (traceId.isEmpty()) {
            return Set.of();
        }
        Set<String> services = new java.util.TreeSet<>();
        try {
            Awaitility.await("spans of trace " + traceId)
                    .atMost(Duration.ofSeconds(20))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        services.addAll(stack.traceServices(traceId));
                        return services.containsAll(LocalStack.SERVICES);
                    });
        } catch (ConditionTimeoutException e) {
            // reported as it is: the iteration lists the services whose spans arrived
        }
        return services;
    }

    /** A one-line description of an event, for progress output. */
    public static String describe(EventWatcher.Observed o) {
        if (o.event() == null) {
            return String.format("%-16s (undecodable record, key %s)", o.topic(), o.key());
        }
        String what;
        if (o.event() instanceof DataReady e) {
            what = String.format(
                    "%s  %d train / %d val / %d test, trigger=%s",
                    e.getSnapshotId(), e.getTrainCount(), e.getValidationCount(), e.getTestCount(), e.getTrigger());
        } else if (o.event() instanceof ModelTrained e) {
            what = String.format(
                    "%s v%d  test accuracy %.3f, macro F1 %.3f (%s, %d epochs, %.1f s)",
                    e.getModelName(),
                    e.getModelVersion(),
                    e.getTestMetrics().getAccuracy(),
                    e.getTestMetrics().getMacroF1(),
                    e.getArchitecture(),
                    e.getEpochs(),
                    e.getTrainingSeconds());
        } else if (o.event() instanceof ModelOptimized e) {
            List<String> vs = new ArrayList<>();
            for (VariantSummary v : e.getVariantsList()) {
                vs.add(String.format(
                        "%s (%d B, acc %+.3f, max diff %.1e, p50 %.0f us)",
                        v.getTarget(), v.getSizeBytes(), v.getAccuracyDelta(), v.getMaxAbsDiff(), v.getLatencyP50Us()));
            }
            what = String.format("%s v%d  %s", e.getModelName(), e.getModelVersion(), String.join(", ", vs));
            if (e.hasPromotion() && e.getPromotion().getClassification()) {
                var p = e.getPromotion();
                what += String.format(
                        "; on %d %s samples: accuracy %.3f%s",
                        p.getSampleCount(),
                        p.getSplit(),
                        p.getCandidateAccuracy(),
                        p.getChampionVersion() > 0 && p.getChampionNote().isEmpty()
                                ? String.format(
                                        " vs production v%d %.3f", p.getChampionVersion(), p.getChampionAccuracy())
                                : "");
            }
        } else if (o.event() instanceof Deployed e) {
            String stage = e.getPhase().isEmpty()
                    ? ""
                    : e.getPhase().equals("wave")
                            ? String.format(" [wave %d/%d]", e.getWave(), e.getWavesTotal())
                            : " [" + e.getPhase() + "]";
            what = String.format(
                    "%s v%d%s  %s active on %d/%d devices %s",
                    e.getModelName(),
                    e.getModelVersion(),
                    stage,
                    e.getVariantId(),
                    e.getDevicesActive(),
                    e.getDevicesTargeted(),
                    e.getDeviceIdsList());
            if (!e.getReason().isEmpty()) {
                what += " (" + e.getReason() + ")";
            }
        } else if (o.event() instanceof DriftDetected e) {
            FeatureDrift worst = e.getFeaturesList().stream()
                    .filter(f -> !Double.isNaN(f.getKsStatistic())) // a categorical feature has no KS statistic
                    .max((a, b) -> Double.compare(a.getKsStatistic(), b.getKsStatistic()))
                    .orElse(FeatureDrift.getDefaultInstance());
            what = String.format(
                    "%s v%d  drift score %.2f > %.2f (%s), worst feature %s, %d samples from %s",
                    e.getModelName(),
                    e.getModelVersion(),
                    e.getDriftScore(),
                    e.getThreshold(),
                    e.getMethod(),
                    e.getModelName().equals(DATASET) && worst.getFeatureIndex() < SensorSimulator.FEATURES.size()
                            ? SensorSimulator.FEATURES.get(worst.getFeatureIndex())
                            : "#" + worst.getFeatureIndex(),
                    e.getWindowSampleCount(),
                    e.getDeviceIdsList());
        } else {
            what = o.event().getClass().getSimpleName();
        }
        return String.format("%-16s %s", o.topic(), what);
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
    }
}
