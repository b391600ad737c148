package io.edgeloop.deploy.compose;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.deploy.Json;
import io.edgeloop.deploy.LoopDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One iteration of the loop through the Compose stack's published REST APIs only (the ports of the compose file on
 * 127.0.0.1), as {@link LoopDriver} drives the embedded stack: a deployment policy, labelled data, a snapshot, then
 * training, compilation, registration and the rollout to both agents; then drifted sensors, drifted labelled data,
 * monitoring's drift verdict and the retrained version rolled out by the loop itself.
 */
final class ComposeLoop {
    static final String DATA = "http://127.0.0.1:8081";
    static final String REGISTRY = "http://127.0.0.1:8084";
    static final String DEPLOYMENT = "http://127.0.0.1:8085";
    static final String MONITORING = "http://127.0.0.1:8086";
    static final String CONSOLE = "http://127.0.0.1:8080";
    /** The two agent containers (edge-001, edge-002) of the compose file. */
    static final Map<String, String> AGENTS =
            Map.of("edge-001", "http://127.0.0.1:8090", "edge-002", "http://127.0.0.1:8091");

    private static final String MODEL = LoopDriver.DATASET;
    private static final int SAMPLES = 2400;
    private static final int PROBES = 200;

    private final Json.Client http;
    private final Consumer<String> log;
    private final Duration stageTimeout;

    /** What the iteration produced, for the test's assertions. */
    record Outcome(JsonNode v1, JsonNode v2, JsonNode drift, double accuracyBefore, double accuracyAfter) {}

    ComposeLoop(String adminToken, Consumer<String> log, Duration stageTimeout) {
        this.http = new Json.Client(adminToken, Duration.ofSeconds(60));
        this.log = log;
        this.stageTimeout = stageTimeout;
    }

    /** The devices deployment-service knows, by id, with whether each is connected now. */
    Map<String, Boolean> devices() {
        JsonNode body = http.get(DEPLOYMENT + "/devices").expect(200).body();
        JsonNode items = body.isArray() ? body : body.path("devices");
        Map<String, Boolean> out = new LinkedHashMap<>();
        items.forEach(d -> out.put(d.path("id").asText(), d.path("connected").asBoolean()));
        return out;
    }

    /**
     * Runs the iteration: first version from the original mounting, the retrained one after drift.
     *
     * @param afterFirstSnapshot runs once the first snapshot is cut, while its DataReady is being trained (the test
     *     kills and restarts a container there)
     */
    Outcome run(Runnable afterFirstSnapshot) {
        putPolicy();
        http.put(
                        DATA + "/datasets/" + MODEL,
                        Map.of("featureNames", SensorSimulator.FEATURES, "labels", SensorSimulator.LABELS))
                .expect(200, 201);
        ingest(new SensorSimulator(42), SAMPLES);
        JsonNode snap = http.post(DATA + "/datasets/" + MODEL + "/snapshots", Map.of("trigger", "manual"))
                .expect(200, 201)
                .body();
        String snapshot1 = snap.path("snapshotId").asText();
        log.accept("snapshot " + snapshot1 + " cut; waiting for training, compilation, registration and rollout");
        afterFirstSnapshot.run();
        JsonNode v1 = awaitVersion(
                "a registered, compiled version from " + snapshot1,
                v -> v.path("lineage").path("snapshotId").asText().equals(snapshot1));
        int version1 = v1.path("version").asInt();
        awaitServing(version1);

        log.accept("sensors remounted: drifted labelled data into data-service, drifted inputs on the agents");
        // labelled data first: the accuracy probes are drifted inputs too, and a drift verdict that finds nothing
        // new in the data set retrains nothing (data-service: "no new samples since")
        ingest(new SensorSimulator(43).drift(SensorSimulator.Drift.REMOUNTED), SAMPLES);
        double before = accuracy(new SensorSimulator(77).drift(SensorSimulator.Drift.REMOUNTED));
        AGENTS.values()
                .forEach(a ->
                        http.put(a + "/simulator", Map.of("drift", "remounted")).expect(200, 204));
        JsonNode drift = await(
                "monitoring's drift verdict on v" + version1,
                () -> Optional.of(http.get(MONITORING + "/models/" + MODEL + "/drift")
                                .expect(200)
                                .body())
                        .filter(d -> d.path("modelVersion").asInt() == version1
                                && !d.path("driftEventId").isNull()
                                && !d.path("driftEventId").asText().isEmpty()));
        log.accept("drift detected on v" + version1 + ": score "
                + drift.path("driftScore").asDouble());
        JsonNode v2 = awaitVersion(
                "the version retrained after drift", v -> v.path("version").asInt() > version1);
        awaitServing(v2.path("version").asInt());
        double after = accuracy(new SensorSimulator(77).drift(SensorSimulator.Drift.REMOUNTED));
        return new Outcome(v1, v2, drift, before, after);
    }

    /**
     * The topics of the events the console's overview lists ({@code GET /events}), which it reads from Kafka with
     * its own read-only login.
     */
    java.util.Set<String> consoleEventTopics() {
        java.util.Set<String> topics = new java.util.TreeSet<>();
        http.get(CONSOLE + "/events")
                .expect(200)
                .body()
                .forEach(e -> topics.add(e.path("topic").asText()));
        return topics;
    }

    /** Every device, automatic rollout (canary half, 5 s soak and gate, then all), accuracy >= 0.7. */
    private void putPolicy() {
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("canaryPercent", 50);
        rollout.put("wavePercents", List.of(100));
        rollout.put("soakTimeMs", 5000);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("selector", Map.of());
        policy.put("autoRollout", true);
        policy.put("rollout", rollout);
        policy.put("promotion", Map.of("minAccuracy", 0.7, "maxAccuracyDrop", 0.05));
        http.put(DEPLOYMENT + "/policies/" + MODEL, policy).expect(200, 201);
    }

    private void ingest(SensorSimulator sim, int count) {
        int accepted = 0;
        for (int done = 0; done < count; done += 600) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(600, count - done); i++) {
                SensorSimulator.Reading r = sim.next();
                batch.add(Map.of("features", r.features(), "label", r.label(), "source", "compose-it"));
            }
            accepted += http.post(DATA + "/datasets/" + MODEL + "/samples", Map.of("samples", batch))
                    .expect(200, 201, 202)
                    .body()
                    .path("accepted")
                    .asInt();
        }
        log.accept("ingested " + accepted + " labelled samples");
    }

    /** Waits for a registry version of the model matching {@code test} that has compiled variants. */
    private JsonNode awaitVersion(String what, java.util.function.Predicate<JsonNode> test) {
        return await(what, () -> {
            JsonNode list =
                    http.get(REGISTRY + "/models/" + MODEL + "/versions").body();
            JsonNode items = list.isArray() ? list : list.path("versions");
            for (JsonNode v : items) {
                if (test.test(v) && !v.path("variants").isEmpty()) {
                    return Optional.of(v);
                }
            }
            return Optional.empty();
        });
    }

    /** Waits until both agents serve {@code version} (their /status). */
    private void awaitServing(int version) {
        Map<String, Integer> serving = new LinkedHashMap<>();
        await("both agents serving v" + version, () -> {
            AGENTS.forEach((id, url) -> serving.put(
                    id, http.get(url + "/status").body().path("modelVersion").asInt()));
            return serving.values().stream().allMatch(v -> v == version) ? Optional.of(serving) : Optional.empty();
        });
        log.accept("agents " + serving.keySet() + " serve v" + version);
    }

    /** Accuracy of what the agents serve on labelled readings from {@code sim}, through their /infer. */
    private double accuracy(SensorSimulator sim) {
        List<String> agents = List.copyOf(AGENTS.values());
        int correct = 0;
        for (int i = 0; i < PROBES; i++) {
            SensorSimulator.Reading r = sim.next();
            JsonNode out = http.post(agents.get(i % agents.size()) + "/infer", Map.of("features", r.features()))
                    .expect(200)
                    .body();
            correct += out.path("label").asText().equals(r.label()) ? 1 : 0;
        }
        return correct / (double) PROBES;
    }

    /** Polls {@code probe} (errors count as "not yet") until it yields a value, at most the stage timeout. */
    private <T> T await(String what, Supplier<Optional<T>> probe) {
        List<T> found = new ArrayList<>(1);
        List<String> lastError = new ArrayList<>(1);
        try {
            Awaitility.await(what)
                    .atMost(stageTimeout)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        try {
                            probe.get().ifPresent(found::add);
                        } catch (RuntimeException e) {
                            lastError.clear();
                            lastError.add(e.toString());
                        }
                        return !found.isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "timed out waiting for " + what + (lastError.isEmpty() ? "" : ": " + lastError), e);
        }
        return found.get(0);
    }
}
