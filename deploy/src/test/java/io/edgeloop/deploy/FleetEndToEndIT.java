package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.edgeloop.proto.inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Several teams' models on one shared fleet of three real agents (separate JVMs), on the real stack: two uploaded
 * models with different deployment policies (selectors) share devices, and rolling one back never disturbs the
 * other; a model with a state input and an int64 input is served; the loop's own 1D-CNN and 2D-CNN are trained,
 * compiled, rolled out and answer over KServe v2 REST and gRPC; twins and registry history match what the agents
 * serve.
 */
class FleetEndToEndIT {
    private static final Duration STAGE = Duration.ofMinutes(4);
    private static final String TEAM_A = "team-a-classifier";
    private static final String TEAM_B = "team-b-stateful";
    private static final List<String> MOTION = List.of("up", "down", "flat");
    private static final List<String> STROKES = List.of("horizontal", "vertical");
    /** Tones of the audio impulse data set (70, 160 and 330 Hz at 1 kHz). */
    private static final List<String> HUM = List.of("low", "mid", "high");

    private static final double[] HUM_HZ = {70, 160, 330};

    @Test
    void twoTeamsShareAFleetAndEveryModelKindIsServed() throws Exception {
        Path bundleDir = Files.createTempDirectory("edgeloop-bundle");
        try (LocalStack stack = LocalStack.builder()
                        .home(LoopEndToEndIT.home())
                        .agents(4)
                        .zipkin(false)
                        .fixedPorts(false)
                        .console(true)
                        // edge-004 is a small device (1 MiB model memory budget) outside the shared fleet
                        .agentLabels(i -> i == 4
                                ? MemoryBudgetCheck.LABELS
                                : Map.of("fleet", "shared", "zone", i == 1 ? "a" : "b"))
                        .agentProperties(i -> i == 4 ? MemoryBudgetCheck.PROPERTIES : Map.of())
                        // every itemized inference carries its input, so that its feedback becomes a sample
                        .agentProperty("edgeloop.agent.telemetry.capture-inputs", "all")
                        // edge-003 is a device with no Java installed: it runs from the agent's bundle (issue 15)
                        .agentBundle(3, DeviceBundle.unpack(LoopEndToEndIT.home(), bundleDir))
                        .log(line -> System.out.println("[fleet] " + line))
                        .build()
                        .start();
                EventWatcher events = new EventWatcher(
                        stack.watcherKafkaConfig(), o -> System.out.println("[fleet] " + LoopDriver.describe(o)))) {
            String data = stack.url("data-service");
            String deployment = stack.url("deployment-service");
            List<String> agents = stack.agentUrls().subList(0, 3); // the shared fleet
            List<String> shared = stack.deviceIds().subList(0, 3);

            // policies: team A on the whole shared fleet, team B only on zone b; the CNNs on the whole fleet
            policy(deployment, "team-a-*", Map.of("fleet", "shared"), 0.0);
            policy(deployment, "team-b-*", Map.of("zone", "b"), 0.0);
            policy(deployment, "motion", Map.of("fleet", "shared"), 0.6);
            policy(deployment, "strokes", Map.of("fleet", "shared"), 0.6);
            policy(deployment, "hum", Map.of("fleet", "shared"), 0.6);

            // the loop's own CNNs: time series [4 x 10] and images [1 x 8 x 8], trained while the teams upload
            dataset(data, "motion", "timeseries", List.of(4, 10), MOTION, FleetEndToEndIT::motionSample);
            dataset(data, "strokes", "image", List.of(1, 8, 8), STROKES, FleetEndToEndIT::strokeSample);
            // raw audio: recordings cut into [1 x 256] windows at 1 kHz, an MFE impulse (its rate from the data set)
            humRecordings(data);
            // the snapshot the uploads are validated on (no policy: its own trained model is deployed nowhere)
            dataset(
                    data,
                    "sensors",
                    "features",
                    List.of(SensorSimulator.FEATURES.size()),
                    SensorSimulator.LABELS,
                    new SensorSampler());

            // team A: a classifier on every device; team B: a stateful model (state + int64 inputs) on zone b
            upload(stack, TEAM_A, FleetModels.classifier(8, 4, 1));
            completed(events, TEAM_A, 3);
            upload(stack, TEAM_B, FleetModels.stateful(8, 4, 4, 2));
            Deployed teamB = completed(events, TEAM_B, 2);
            assertEquals(
                    List.of("edge-002", "edge-003"),
                    teamB.getDeviceIdsList().stream().sorted().toList());
            for (int i = 0; i < 3; i++) {
                assertTrue(ready(agents.get(i), TEAM_A), agents.get(i) + " serves " + TEAM_A);
                assertEquals(i > 0, ready(agents.get(i), TEAM_B), agents.get(i) + " serves " + TEAM_B);
            }

            // team B's model answers with all three inputs, and with its state left at its default
            JsonNode full = infer(
                    agents.get(1),
                    TEAM_B,
                    List.of(
                            tensor("features", "FP32", List.of(1, 8), List.of(.5, .5, .5, .5, .5, .5, .5, .5)),
                            tensor("state", "FP32", List.of(1, 4), List.of(0.1, -0.2, 0.3, 0.0)),
                            tensor("mode", "INT64", List.of(1, 1), List.of(1))));
            assertEquals(2, full.path("outputs").size(), "two outputs: " + full);
            JsonNode partial = infer(
                    agents.get(2),
                    TEAM_B,
                    List.of(
                            tensor("features", "FP32", List.of(1, 8), List.of(0, 0, 0, 0, 0, 0, 0, 0)),
                            tensor("mode", "INT64", List.of(1, 1), List.of(0))));
            assertEquals(TEAM_B, partial.path("model_name").asText());

            // rolling team B back never disturbs team A: requests to A keep succeeding on every device
            AtomicBoolean probing = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger served = new AtomicInteger();
            Thread prober = new Thread(() -> {
                Random r = new Random(5);
                while (probing.get()) {
                    String agent = agents.get(r.nextInt(agents.size()));
                    Json.Reply reply = Json.post(
                            agent + "/v2/models/" + TEAM_A + "/infer",
                            Map.of("inputs", List.of(tensor("features", "FP32", List.of(1, 8), randomRow(r, 8)))));
                    (reply.status() == 200 ? served : failures).incrementAndGet();
                }
            });
            prober.start();
            Json.post(deployment + "/rollouts/" + teamB.getRolloutId() + "/rollback", Map.of())
                    .expect(200);
            events.await(
                    Deployed.class,
                    e -> e.getModelName().equals(TEAM_B) && e.getPhase().equals("rolled-back"),
                    STAGE,
                    "rolled-back " + TEAM_B);
            await("zone b unloads " + TEAM_B, () -> !ready(agents.get(1), TEAM_B) && !ready(agents.get(2), TEAM_B));
            probing.set(false);
            prober.join();
            assertEquals(0, failures.get(), "requests to " + TEAM_A + " failed during the rollback of " + TEAM_B);
            assertTrue(served.get() > 0, "the prober served nothing");
            for (String agent : agents) {
                assertTrue(ready(agent, TEAM_A), agent + " still serves " + TEAM_A);
            }

            // twins match what the agents serve; the registry history never shows the unloaded model as active
            for (String device : shared) {
                Map<String, String> models = twinStates(deployment, device);
                assertEquals("ACTIVE", models.get(TEAM_A), device + " twin: " + models);
                if (!device.equals("edge-001")) {
                    assertNotEquals("ACTIVE", models.get(TEAM_B), device + " twin: " + models);
                }
            }
            assertTrue(
                    historyPhases(stack, TEAM_B).contains("rolled-back"),
                    "history of " + TEAM_B + ": " + historyPhases(stack, TEAM_B));
            assertTrue(
                    !historyPhases(stack, TEAM_A).contains("rolled-back"),
                    "history of " + TEAM_A + ": " + historyPhases(stack, TEAM_A));

            // a model above the small device's memory budget is never sent to it; its twin says why (while the CNNs
            // train)
            MemoryBudgetCheck.run(
                    stack, events, stack.deviceIds().get(3), stack.agentUrls().get(3));

            // the loop's 1D-CNN and 2D-CNN reach every agent and answer over KServe v2 REST and gRPC
            completed(events, "motion", 3);
            completed(events, "strokes", 3);
            Random r = new Random(11);
            for (int k = 0; k < MOTION.size(); k++) {
                float[] x = motionSample(r, k);
                assertEquals(MOTION.get(k), predicted(agents.get(0), "motion", List.of(1, 4, 10), x));
                assertEquals(
                        MOTION.get(k), predictedGrpc(stack.agentGrpcPorts().get(2), "motion", List.of(1, 4, 10), x));
            }
            // the impulse model takes raw windows: the MFE block runs inside the deployed graph on the device
            completed(events, "hum", 3);
            for (int k = 0; k < HUM.size(); k++) {
                float[] x = tone(r, HUM_HZ[k], 256);
                assertEquals(HUM.get(k), predicted(agents.get(2), "hum", List.of(1, 1, 256), x), "a raw window");
            }
            for (int k = 0; k < STROKES.size(); k++) {
                float[] x = strokeSample(r, k);
                assertEquals(STROKES.get(k), predicted(agents.get(1), "strokes", List.of(1, 1, 8, 8), x));
                assertEquals(
                        STROKES.get(k),
                        predictedGrpc(stack.agentGrpcPorts().get(0), "strokes", List.of(1, 1, 8, 8), x));
            }

            // ground truth for an inference becomes a labelled sample of its data set, and performance per zone
            feedbackBecomesTrainingData(stack, r);

            // the everyday CLI against this stack (--work-dir, --output json)
            io.edgeloop.deploy.cli.CliCheck.against(stack);

            // the web console shows what this test made, in a real browser (screenshots: deploy/target/screenshots)
            consoleShowsIt(stack);

            // the bundle's device stops cleanly: shutdown ran, and its first run left the class data archive
            assertEquals(143, stack.stop("edge-003"), "SIGTERM ends the bundle's JVM after its shutdown");
            String log = Files.readString(stack.logOf("edge-003"));
            assertTrue(
                    log.contains("edge-agent stopped in"),
                    "graceful shutdown logged:\n"
                            + log.lines()
                                    .skip(Math.max(0, log.lines().count() - 20))
                                    .collect(java.util.stream.Collectors.joining("\n")));
            assertTrue(
                    Files.isRegularFile(DeviceBundle.root(bundleDir).resolve("app/app-cds.jsa")),
                    "AppCDS archive written at exit");
        } finally {
            DeviceBundle.delete(bundleDir);
        }
    }

    /**
     * An inference of {@code motion} on edge-001 (zone a) with a caller's id; the true label fed back to monitoring is
     * joined with it once its telemetry window arrived, published as SampleLabelled with the captured input, and
     * data-service stores it as a labelled sample of {@code motion}; monitoring reports it under zone a.
     */
    private static void feedbackBecomesTrainingData(LocalStack stack, Random r) {
        String data = stack.url("data-service");
        String monitoring = stack.url("monitoring-service");
        long before = Json.get(data + "/datasets/motion")
                .expect(200)
                .body()
                .path("sampleCount")
                .asLong();
        String agent = stack.agentUrls().get(0);
        String input = Json.get(agent + "/v2/models/motion")
                .expect(200)
                .body()
                .path("inputs")
                .path(0)
                .path("name")
                .asText();
        String id = "fb-" + java.util.UUID.randomUUID();
        Json.post(
                        agent + "/v2/models/motion/infer",
                        Map.of(
                                "id",
                                id,
                                "inputs",
                                List.of(tensor(input, "FP32", List.of(1, 4, 10), boxed(motionSample(r, 1))))))
                .expect(200);
        Map<String, Object> feedback = Map.of("items", List.of(Map.of("inferenceId", id, "label", MOTION.get(1))));
        await(
                "feedback for " + id + " accepted (its telemetry window arrived)",
                () -> "accepted"
                        .equals(Json.post(monitoring + "/models/motion/feedback", feedback)
                                .expect(200)
                                .body()
                                .path("results")
                                .path(0)
                                .path("outcome")
                                .asText()));
        await(
                "the feedback's sample in data-service",
                () -> Json.get(data + "/datasets/motion")
                                .expect(200)
                                .body()
                                .path("sampleCount")
                                .asLong()
                        == before + 1);
        JsonNode zones = Json.get(monitoring + "/models/motion/performance/segments?label=zone")
                .expect(200)
                .body();
        assertEquals("a", zones.path(0).path("value").asText(), zones.toString());
        assertEquals(1, zones.path(0).path("labelledCount").asLong(), zones.toString());
    }

    /** Headless Chromium logs in to the console with a viewer token and checks the models and fleet pages. */
    private static void consoleShowsIt(LocalStack stack) throws Exception {
        if (Boolean.getBoolean("edgeloop.browser.skip")) {
            System.out.println("[fleet] console browser check skipped (-Dedgeloop.browser.skip=true)");
            return;
        }
        long t0 = System.nanoTime();
        String viewer =
                stack.auth().mint("console-it", Duration.ofHours(1), "viewer").value();
        try (ConsoleBrowser browser =
                ConsoleBrowser.open(stack.consoleUrl(), LoopEndToEndIT.home().resolve("deploy/target/screenshots"))) {
            browser.logIn(viewer);
            browser.models(List.of(TEAM_A, TEAM_B, "motion", "strokes", "hum"), "motion");
            browser.fleet(stack.deviceIds(), TEAM_A);
            browser.otherPages(LocalStack.SERVICES);
            browser.loopEvents("motion");
            boolean recorded = Json.get(stack.url("monitoring-service") + "/models/motion/drift/history?limit=1")
                            .expect(200)
                            .body()
                            .path("entries")
                            .size()
                    > 0;
            browser.driftHistory("motion", recorded);
            // a release user rolls back the audio impulse's rollout with the fleet page's button (its last check is
            // done): deployment-service records the rollback by that user
            browser.logOut();
            browser.logIn(stack.auth()
                    .mint("release-it", Duration.ofHours(1), "release")
                    .value());
            browser.rollBack("hum");
        }
        await(
                "the registry's history of hum shows the console's rollback",
                () -> historyPhases(stack, "hum").contains("rolled-back"));
        System.out.printf("[fleet] console pages checked in Chromium in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    // ---- the stack's APIs ----

    private static void policy(String deployment, String name, Map<String, String> selector, double minAccuracy) {
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("canaryPercent", 100);
        rollout.put("soakTimeMs", 1000);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("selector", selector);
        policy.put("autoRollout", true);
        policy.put("rollout", rollout);
        policy.put("promotion", Map.of("minAccuracy", minAccuracy, "maxAccuracyDrop", 0.05));
        Json.put(deployment + "/policies/" + URLEncoder.encode(name, StandardCharsets.UTF_8), policy)
                .expect(200, 201);
    }

    /** A sample generator: class index -> one flat sample. */
    interface Sampler {
        float[] sample(Random r, int label);
    }

    /** Creates a dataset, ingests labelled samples and cuts a snapshot (which starts a training run). */
    private static void dataset(
            String data, String name, String kind, List<Integer> shape, List<String> labels, Sampler sampler) {
        int features = shape.stream().reduce(1, (a, b) -> a * b);
        List<String> featureNames =
                kind.equals("features") ? new ArrayList<>(SensorSimulator.FEATURES) : new ArrayList<>();
        for (int i = 0; featureNames.size() < features; i++) {
            featureNames.add("x" + i);
        }
        Json.put(
                        data + "/datasets/" + name,
                        Map.of("featureNames", featureNames, "labels", labels, "dataKind", kind, "sampleShape", shape))
                .expect(200, 201);
        Random r = new Random(name.hashCode());
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 360; i++) {
            int label = i % labels.size();
            batch.add(Map.of("features", sampler.sample(r, label), "label", labels.get(label), "source", "fleet-it"));
        }
        Json.post(data + "/datasets/" + name + "/samples", Map.of("samples", batch))
                .expect(200, 201);
        Json.post(
                        data + "/datasets/" + name + "/snapshots",
                        Map.of("trigger", "manual", "trainingSpec", Map.of("maxEpochs", 12)))
                .expect(201);
    }

    /**
     * A timeseries data set of one axis ({@code mic}), 256 values per window at 1 kHz: three JSON recordings per tone,
     * each cut into 16 windows by data-service; then a snapshot requesting an MFE impulse without a rate of its own.
     */
    private static void humRecordings(String data) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            names.add("mic_" + i);
        }
        Json.put(
                        data + "/datasets/hum",
                        Map.of(
                                "featureNames",
                                names,
                                "labels",
                                HUM,
                                "dataKind",
                                "timeseries",
                                "sampleShape",
                                List.of(1, 256),
                                "sampleRateHz",
                                1000))
                .expect(200, 201);
        Random r = new Random(3);
        for (int k = 0; k < HUM.size(); k++) {
            for (int rec = 0; rec < 3; rec++) {
                Json.post(
                                data + "/datasets/hum/recordings",
                                Map.of(
                                        "label", HUM.get(k),
                                        "source", "fleet-it",
                                        "axes", Map.of("mic", boxed(tone(r, HUM_HZ[k], 256 * 16)))))
                        .expect(201);
            }
        }
        Json.post(
                        data + "/datasets/hum/snapshots",
                        Map.of(
                                "trigger",
                                "manual",
                                "trainingSpec",
                                Map.of("maxEpochs", 25, "impulse", Map.of("block", "mfe", "frameLength", 64))))
                .expect(201);
    }

    /** {@code n} values of a tone at {@code hz} sampled at 1 kHz, random phase and amplitude, with noise. */
    static float[] tone(Random r, double hz, int n) {
        double phase = r.nextDouble() * 2 * Math.PI;
        double amplitude = 0.5 + r.nextDouble() * 0.5;
        float[] x = new float[n];
        for (int t = 0; t < n; t++) {
            x[t] = (float) (amplitude * Math.sin(2 * Math.PI * hz * t / 1000.0 + phase) + r.nextGaussian() * 0.05);
        }
        return x;
    }

    private static void upload(LocalStack stack, String model, byte[] onnx) {
        Json.Reply reply = Json.postBytes(
                stack.url("compiler-service") + "/models?name=" + model + "&dataset=sensors&datasetVersion=1", onnx);
        if (reply.status() != 201) {
            throw new AssertionError("upload of " + model + " answered " + reply.status() + ": " + reply.body());
        }
    }

    private static Deployed completed(EventWatcher events, String model, int devices) throws InterruptedException {
        Deployed d = events.await(
                Deployed.class,
                e -> e.getModelName().equals(model) && e.getPhase().equals("completed"),
                STAGE,
                "completed rollout of " + model);
        assertEquals(devices, d.getDevicesActive(), model + " completed on " + d.getDeviceIdsList());
        return d;
    }

    private static boolean ready(String agent, String model) {
        return Json.get(agent + "/v2/models/" + model + "/ready").status() == 200;
    }

    private static Map<String, Object> tensor(String name, String datatype, List<Integer> shape, List<?> data) {
        return Map.of("name", name, "datatype", datatype, "shape", shape, "data", data);
    }

    private static JsonNode infer(String agent, String model, List<Map<String, Object>> inputs) {
        return Json.post(agent + "/v2/models/" + model + "/infer", Map.of("inputs", inputs))
                .expect(200)
                .body();
    }

    /** The class the agent predicts over KServe v2 REST: argmax of the first output, mapped to the dataset labels. */
    private static String predicted(String agent, String model, List<Integer> shape, float[] x) {
        JsonNode meta = Json.get(agent + "/v2/models/" + model).expect(200).body();
        String input = meta.path("inputs").path(0).path("name").asText();
        JsonNode out = infer(agent, model, List.of(tensor(input, "FP32", shape, boxed(x))));
        JsonNode scores = out.path("outputs").path(0).path("data");
        int best = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.path(i).asDouble() > scores.path(best).asDouble()) {
                best = i;
            }
        }
        return labelsOf(model).get(best);
    }

    /** The same over the KServe v2 gRPC API (raw little-endian contents). */
    private static String predictedGrpc(int port, String model, List<Integer> shape, float[] x) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .build();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            var meta = stub.modelMetadata(io.edgeloop.proto.inference.ModelMetadataRequest.newBuilder()
                    .setName(model)
                    .build());
            ModelInferRequest.InferInputTensor.Builder in = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(meta.getInputs(0).getName())
                    .setDatatype("FP32");
            shape.forEach(d -> in.addShape(d));
            io.edgeloop.proto.inference.InferTensorContents.Builder contents =
                    io.edgeloop.proto.inference.InferTensorContents.newBuilder();
            for (float v : x) {
                contents.addFp32Contents(v);
            }
            ModelInferResponse r = stub.modelInfer(ModelInferRequest.newBuilder()
                    .setModelName(model)
                    .addInputs(in.setContents(contents))
                    .build());
            List<Float> scores = r.getOutputs(0).getContents().getFp32ContentsList();
            int best = 0;
            for (int i = 1; i < scores.size(); i++) {
                if (scores.get(i) > scores.get(best)) {
                    best = i;
                }
            }
            return labelsOf(model).get(best);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** What the twin says each model is doing on the device: model name -> reported state. */
    private static Map<String, String> twinStates(String deployment, String device) {
        JsonNode twin = Json.get(deployment + "/devices/" + device).expect(200).body();
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode m : twin.path("models")) {
            out.put(
                    m.path("modelName").asText(),
                    m.path("reported").path("state").asText());
        }
        return out;
    }

    /** Phases of the model's deployment history entries in the registry. */
    private static List<String> historyPhases(LocalStack stack, String model) {
        JsonNode h = Json.get(stack.url("registry-service") + "/models/" + model + "/history?limit=500")
                .expect(200)
                .body();
        List<String> phases = new ArrayList<>();
        h.forEach(e -> {
            if (e.hasNonNull("phase")) {
                phases.add(e.path("phase").asText());
            }
        });
        return phases;
    }

    private static List<String> labelsOf(String model) {
        return model.equals("motion") ? MOTION : model.equals("hum") ? HUM : STROKES;
    }

    private static void await(String what, BooleanSupplier condition) {
        org.awaitility.Awaitility.await(what)
                .atMost(STAGE)
                .pollInterval(Duration.ofMillis(200))
                .until(condition::getAsBoolean);
    }

    // ---- data ----

    /** A [4 x 10] recording: every channel rises, falls or stays flat over time, with noise. */
    static float[] motionSample(Random r, int label) {
        float slope = label == 0 ? 1f : label == 1 ? -1f : 0f;
        float[] x = new float[40];
        for (int c = 0; c < 4; c++) {
            for (int t = 0; t < 10; t++) {
                x[c * 10 + t] = slope * t / 10f * (1 + c * 0.25f) + (float) r.nextGaussian() * 0.08f;
            }
        }
        return x;
    }

    /** An [1 x 8 x 8] image with one horizontal or vertical stroke, with noise. */
    static float[] strokeSample(Random r, int label) {
        float[] x = new float[64];
        int line = 1 + r.nextInt(6);
        for (int i = 0; i < 8; i++) {
            int idx = label == 0 ? line * 8 + i : i * 8 + line;
            x[idx] = 1f;
        }
        for (int i = 0; i < 64; i++) {
            x[i] += (float) r.nextGaussian() * 0.05f;
        }
        return x;
    }

    private static List<Double> boxed(float[] x) {
        List<Double> out = new ArrayList<>(x.length);
        for (float v : x) {
            out.add((double) v);
        }
        return out;
    }

    private static List<Double> randomRow(Random r, int n) {
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(r.nextGaussian());
        }
        return out;
    }

    /** Labelled readings of the demo's vibration sensor (the upload snapshot's data). */
    private static final class SensorSampler implements Sampler {
        private final SensorSimulator sim = new SensorSimulator(7);

        @Override
        public float[] sample(Random r, int label) {
            return sim.next(label).features();
        }
    }
}
