package io.edgeloop.compiler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.compiler.testing.FakeArtifactService;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.Metrics;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The service against real Kafka and PostgreSQL, with in-memory doubles of the registry and the data service on its
 * gRPC test port.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class CompilerServiceTest extends CompilerTestBase {
    /** A registered version of {@code model} (trained on snapshot {@code model@v1}) with its float artifact. */
    record Setup(String model, String sha, List<Sample> validation) {}

    /** Puts snapshot {@code dataset@v1} (80 % validation, 20 % train) into the data service double. */
    List<Sample> snapshot(String dataset) {
        return snapshot(dataset, false, Split.VALIDATION);
    }

    Setup setUp(String model, byte[] onnx) {
        List<Sample> validation = snapshot(model);
        String sha = registerVersion(model, 1, onnx, "corr-" + model, "run-1");
        return new Setup(model, sha, validation);
    }

    ModelTrained trained(Setup s) {
        return ModelTrained.newBuilder()
                .setMeta(Events.newMeta("training-service", "corr-" + s.model, ""))
                .setModelName(s.model)
                .setModelVersion(1)
                .setTrainingRunId("run-1")
                .setDatasetName(s.model)
                .setDatasetVersion(1)
                .setSnapshotId(s.model + "@v1")
                .setArtifactSha256(s.sha)
                .setArtifactSizeBytes(artifacts.get(s.sha).bytes().length)
                .setArchitecture("linear")
                .setValidationMetrics(Metrics.newBuilder().setAccuracy(0.9))
                .setFeatureCount(TestModels.FEATURES)
                .addAllClassLabels(SensorSimulator.LABELS)
                .build();
    }

    void send(ModelTrained event) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_TRAINED, event.getModelName(), event.toByteArray()))
                    .get();
        }
    }

    /** The first ModelOptimized on the topic that matches {@code match}, keyed by its model name. */
    @Override
    ModelOptimized awaitOptimized(Predicate<ModelOptimized> match) {
        ConsumerRecord<String, byte[]> r = awaitOptimizedRecord(match);
        ModelOptimized e = parse(r);
        assertEquals(e.getModelName(), r.key());
        return e;
    }

    static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static List<Compilation> compilationsOf(String model) {
        return QuarkusTransaction.requiringNew().call(() -> Compilation.<Compilation>list("modelName", model));
    }

    /** Accuracy of the linear model on the samples, computed in plain Java (no ONNX Runtime). */
    static double expectedAccuracy(List<Sample> samples) {
        int correct = 0;
        for (Sample s : samples) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < TestModels.CLASSES; c++) {
                double z = LINEAR.bias()[c];
                for (int f = 0; f < TestModels.FEATURES; f++) {
                    z += (double) s.getFeatures(f) * LINEAR.weights()[f][c];
                }
                if (z > bestScore) {
                    bestScore = z;
                    best = c;
                }
            }
            if (best == s.getLabelIndex()) {
                correct++;
            }
        }
        return (double) correct / samples.size();
    }

    @Test
    void modelTrainedIsCompiledValidatedRegisteredAndAnnounced() throws Exception {
        Setup s = setUp("vibration", TestModels.gemmSoftmax(LINEAR));
        ModelTrained event = trained(s);
        send(event);

        ModelOptimized e = awaitOptimized(
                o -> o.getMeta().getCausationId().equals(event.getMeta().getEventId()));

        assertEquals("compiler-service", e.getMeta().getProducer());
        assertEquals(event.getMeta().getCorrelationId(), e.getMeta().getCorrelationId());
        assertEquals("vibration", e.getModelName());
        assertEquals(1, e.getModelVersion());
        assertEquals("vibration@v1", e.getSnapshotId());
        double expected = expectedAccuracy(s.validation);
        assertTrue(expected > 0.85, "the test model itself is good: " + expected);
        assertEquals(expected, e.getFloatAccuracy(), 1e-9);
        // this linear model reads raw, unnormalized features: one per-tensor int8 scale for all of them costs far
        // more than the budget, so the int8 variants are rejected (and pruning half its 32 weights too)
        assertEquals(
                List.of("cpu-fp32-ortopt", "cpu-ort-format"),
                e.getVariantsList().stream().map(VariantSummary::getTarget).toList());
        List<AddVariantRequest> calls = registry.addVariantCalls("vibration");
        assertEquals(e.getVariantsCount(), calls.size());
        for (VariantSummary v : e.getVariantsList()) {
            if (v.getQuantization().equals("none")) {
                assertTrue(v.getMaxAbsDiff() < 1e-4, v.toString());
                assertEquals(1.0, v.getArgmaxAgreement());
                assertEquals(expected, v.getAccuracy(), 1e-9);
                assertEquals(0.0, v.getAccuracyDelta(), 1e-9);
            } else {
                assertTrue(v.getAccuracyDelta() >= -0.01, v.toString());
                assertEquals(expected + v.getAccuracyDelta(), v.getAccuracy(), 1e-9);
            }
            assertTrue(v.getOpset() >= 13, v.toString());
            assertEquals(
                    v.getTarget().startsWith("cpu-fp32") || v.getTarget().equals("cpu-ort-format")
                            ? "cpu-fp32"
                            : v.getTarget().startsWith("cpu-int8") ? "cpu-int8" : v.getTarget(),
                    v.getEstimate().getTargetProfile());
            assertTrue(v.getEstimate().getFits() && v.getEstimate().getMacs() == 8 * 4, v.toString());
            assertEquals(v.getSizeBytes(), v.getEstimate().getFlashBytes());
            assertTrue(v.getLatencyP50Us() > 0 && v.getLatencyP99Us() >= v.getLatencyP50Us());
            FakeArtifactService.Stored stored = artifacts.get(v.getArtifactSha256());
            assertNotNull(stored, "variant uploaded");
            assertEquals(v.getArtifactSha256(), Hashing.sha256Hex(stored.bytes()));
            assertEquals(stored.bytes().length, v.getSizeBytes());
            assertEquals(v.getFormat().equals("ort") ? "application/x-ort" : "application/onnx", stored.mediaType());
            AddVariantRequest call = calls.stream()
                    .filter(c -> c.getTarget().equals(v.getTarget()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(v.getArtifactSha256(), call.getArtifactSha256());
            assertEquals(v.getAccuracy(), call.getMetricsOrThrow("accuracy"));
            assertEquals(v.getLatencyP50Us(), call.getMetricsOrThrow("latency_p50_us"));
            assertEquals(s.validation.size(), call.getMetricsOrThrow("validation_samples"));
            assertEquals("EXTENDED_OPT", call.getSettingsOrThrow("optimization_level"));
            assertEquals(s.sha, call.getSettingsOrThrow("source_sha256"));
        }
        VariantSummary ortopt = e.getVariantsList().stream()
                .filter(v -> v.getTarget().equals("cpu-fp32-ortopt"))
                .findFirst()
                .orElseThrow();
        assertEquals(ortopt.getVariantId(), e.getRecommendedVariantId());
        assertEquals(SensorSimulator.LABELS, e.getClassLabelsList());
        assertEquals("features", ortopt.getSignature().getFeatureInput());
        assertEquals("classification", ortopt.getSignature().getOutputKind());
        assertEquals(List.of(-1L, 8L), ortopt.getSignature().getInputs(0).getShapeList());
        assertEquals(13, ortopt.getSignature().getOpset());
        // no TEST split and no production version: evidence on the validation split, no champion
        assertEquals("validation", e.getPromotion().getSplit());
        assertEquals(s.validation.size(), e.getPromotion().getSampleCount());
        assertEquals(expected, e.getPromotion().getCandidateAccuracy(), 1e-9);
        assertEquals(0, e.getPromotion().getChampionVersion());
        assertTrue(e.getPromotion().getClassification());
        assertTrue(e.getVariantsList().stream()
                .anyMatch(v ->
                        v.getTarget().equals("cpu-ort-format") && v.getFormat().equals("ort")));

        String id = compilationsOf("vibration").get(0).id;
        given().get("/compilations?model=vibration")
                .then()
                .statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].id", equalTo(id));
        given().get("/compilations/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("trigger", equalTo("event"))
                .body("causationEventId", equalTo(event.getMeta().getEventId()))
                .body("eventId", equalTo(e.getMeta().getEventId()))
                .body("validationSamples", equalTo(s.validation.size()))
                .body("floatModel.graphNodes", equalTo(2))
                .body("recommendedVariantId", equalTo(ortopt.getVariantId()))
                .body("variants.status", hasItems("ACCEPTED", "ACCEPTED"))
                .body("variants.target", hasItems("cpu-fp32-ortopt", "cpu-ort-format", "cpu-int8", "mcu-int8"))
                .body("variants.find { it.target == 'cpu-int8' }.status", equalTo("REJECTED"))
                .body(
                        "variants.find { it.target == 'cpu-int8' }.reason",
                        containsString("points below the float model"))
                .body("variants.find { it.target == 'cpu-int8' }.quantization", equalTo("int8-static-qdq"))
                .body("variants.find { it.target == 'cpu-int8' }.variantId", equalTo(null))
                .body("variants.find { it.target == 'mcu-int8' }.estimate.fits", equalTo(true))
                .body("variants.find { it.target == 'cpu-fp32-pruned' }.sparsity", equalTo(0.5f));
    }

    @Test
    void aRedeliveredEventIsCompiledOnceAndAMalformedModelFailsWithoutAnEvent() throws Exception {
        Setup good = setUp("dedupe", TestModels.gemmSoftmax(LINEAR));
        Setup bad = setUp("garbage", "definitely not onnx".getBytes());
        ModelTrained event = trained(good);
        send(event);
        send(event); // redelivery
        send(trained(bad));

        // one partition, processed in order: once the malformed model's failure is recorded, both copies were handled
        Compilation failed = await(
                "the malformed model's compilation",
                () -> compilationsOf("garbage").stream().findFirst());
        assertEquals("FAILED", failed.status.name());
        assertTrue(failed.failureReason.contains("is not a model ONNX Runtime can load"), failed.failureReason);
        assertEquals(null, failed.eventId);
        assertEquals(1, compilationsOf("dedupe").size());
        Compilation dedupe = compilationsOf("dedupe").get(0);
        assertEquals(
                dedupe.variants.stream().filter(v -> v.accepted).count(),
                registry.addVariantCalls("dedupe").size());
        long events = QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count("recordKey", "garbage"));
        assertEquals(0, events, "no ModelOptimized for the malformed model");
        given().get("/compilations/" + failed.id)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("failureReason", containsString("ONNX Runtime"))
                .body("variants.size()", equalTo(0));
    }

    @Test
    void postRecompilesARegisteredVersionOnDemand() throws Exception {
        Setup s = setUp("on-demand", TestModels.matMulAddSoftmax(LINEAR));

        String id = given().contentType(ContentType.JSON)
                .body("{\"modelName\":\"on-demand\",\"modelVersion\":1}")
                .post("/compilations")
                .then()
                .statusCode(201)
                .header("Location", containsString("/compilations/"))
                .body("status", equalTo("SUCCEEDED"))
                .body("trigger", equalTo("api"))
                .body("snapshotId", equalTo("on-demand@v1"))
                .body("floatModel.graphNodes", equalTo(3))
                .extract()
                .path("id");

        ModelOptimized e = awaitOptimized(o -> o.getModelName().equals("on-demand"));
        assertEquals("corr-on-demand", e.getMeta().getCorrelationId());
        assertEquals("", e.getMeta().getCausationId());
        assertEquals(expectedAccuracy(s.validation), e.getFloatAccuracy(), 1e-9);
        Compilation c = QuarkusTransaction.requiringNew().call(() -> Compilation.<Compilation>findById(id));
        assertEquals(e.getMeta().getEventId(), c.eventId);
    }

    @Test
    void unusableRecordsGoToTheDeadLetterTopic() throws Exception {
        ModelTrained noName = ModelTrained.newBuilder()
                .setMeta(Events.newMeta("training-service", "", ""))
                .setModelVersion(1)
                .build();
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_TRAINED, "poison", "not protobuf".getBytes()))
                    .get();
            producer.send(new ProducerRecord<>(Topics.MODEL_TRAINED, "no-name", noName.toByteArray()))
                    .get();
        }
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetter(Topics.MODEL_TRAINED)));
            List<String> keys = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && !keys.containsAll(List.of("poison", "no-name"))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            assertTrue(keys.containsAll(List.of("poison", "no-name")), "dead letters: " + keys);
        }
        assertTrue(compilationsOf("").isEmpty());
    }

    @Test
    void anUploadedForeignModelIsRegisteredOptimizedAndValidated() throws Exception {
        List<Sample> validation = snapshot("byom-data");
        // Sub/Div, MatMul + Add, Relu, MatMul + Add, Softmax: not our trainer's Gemm export
        byte[] foreign = io.edgeloop.compiler.testing.TestGraphs.matMulMlp(
                        TestModels.data(21, 2000), 32, TestModels.CLASSES, 5)
                .toByteArray();

        var body = given().contentType("application/octet-stream")
                .body(foreign)
                .post("/models?name=byom&dataset=byom-data&datasetVersion=1")
                .then()
                .statusCode(201)
                .header("Location", containsString("/compilations/"))
                .body("modelName", equalTo("byom"))
                .body("modelVersion", equalTo(1))
                .body("artifactSha256", equalTo(Hashing.sha256Hex(foreign)))
                .body("compilation.status", equalTo("SUCCEEDED"))
                .body("compilation.trigger", equalTo("upload"))
                .body("compilation.snapshotId", equalTo("byom-data@v1"))
                .body("compilation.floatModel.graphNodes", equalTo(8))
                .extract();
        assertEquals(1, registry.versionCount("byom"));
        assertTrue(artifacts.contains(Hashing.sha256Hex(foreign)));
        List<String> accepted = body.path("compilation.variants.findAll { it.status == 'ACCEPTED' }.target");
        assertTrue(
                accepted.containsAll(List.of("cpu-fp32-ortopt", "cpu-int8", "cpu-int8-dynamic")), accepted.toString());
        ModelOptimized e = awaitOptimized(o -> o.getModelName().equals("byom"));
        assertTrue(e.getFloatAccuracy() > 0.9, "float accuracy " + e.getFloatAccuracy());
        VariantSummary int8 = e.getVariantsList().stream()
                .filter(v -> v.getTarget().equals("cpu-int8"))
                .findFirst()
                .orElseThrow();
        assertTrue(int8.getAccuracyDelta() >= -0.01 && int8.getArgmaxAgreement() > 0.95, int8.toString());
        assertEquals("int8-static-qdq", int8.getQuantization());
        assertEquals(13, int8.getOpset());
        assertEquals("cpu-int8", int8.getEstimate().getTargetProfile());
        assertEquals(8 * 32 + 32 * 4, int8.getEstimate().getMacs());
        assertTrue(int8.getEstimate().getFits());
        assertEquals(
                e.getRecommendedVariantId(),
                e.getVariantsList().stream()
                        .filter(v -> v.getTarget().equals("cpu-fp32-ortopt"))
                        .findFirst()
                        .orElseThrow()
                        .getVariantId(),
                "the fp32 ortopt variant stays the recommended one");
        AddVariantRequest int8Call = registry.addVariantCalls("byom").stream()
                .filter(c -> c.getTarget().equals("cpu-int8"))
                .findFirst()
                .orElseThrow();
        assertEquals("uint8", int8Call.getSettingsOrThrow("activation_type"));
        assertEquals(
                Integer.toString(500 - validation.size()),
                int8Call.getSettingsOrThrow("calibration_samples"),
                "calibrated on the snapshot's TRAIN split");
        assertEquals(int8.getPeakMemoryBytes(), int8Call.getMetricsOrThrow("peak_memory_bytes"), 0.5);
        // measured in a child JVM of its own (the probe's class path works under @QuarkusTest's class loaders)
        assertEquals("session (isolated process)", int8Call.getSettingsOrThrow("peak_memory_scope"));
        assertTrue(int8.getPeakMemoryBytes() > 0, int8.toString());
        assertTrue(int8Call.getMetricsOrThrow("session_load_bytes") > 0);
        // the same upload again is idempotent in the registry (same version)
        given().contentType("application/octet-stream")
                .header("X-Model-Name", "byom")
                .header("X-Dataset", "byom-data")
                .header("X-Dataset-Version", "1")
                .body(foreign)
                .post("/models")
                .then()
                .statusCode(201)
                .body("modelVersion", equalTo(1));
    }

    @Test
    void aMalformedUploadIsA4xxAndLeavesNothingBehind() throws Exception {
        snapshot("bad-data");
        int artifactsBefore = artifacts.count();
        given().contentType("application/octet-stream")
                .body("definitely not onnx".getBytes())
                .post("/models?name=bad-upload&dataset=bad-data&datasetVersion=1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("not an ONNX model"));
        // ONNX protobuf, but a node reads a tensor nothing defines
        ai.onnx.proto.OnnxMl.ModelProto good =
                ai.onnx.proto.OnnxMl.ModelProto.parseFrom(TestModels.matMulAddSoftmax(LINEAR));
        byte[] broken = good.toBuilder()
                .setGraph(good.getGraph().toBuilder()
                        .setNode(1, good.getGraph().getNode(1).toBuilder().setInput(0, "ghost")))
                .build()
                .toByteArray();
        given().contentType("application/octet-stream")
                .body(broken)
                .post("/models?name=bad-upload&dataset=bad-data&datasetVersion=1")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("fails the ONNX checker"))
                .body("errors[0].message", containsString("'ghost' is not defined before use"));
        // a valid model with the wrong number of classes for the snapshot
        ValidationSet train = TestModels.data(5, 400);
        int[] threeLabels =
                java.util.Arrays.stream(train.labels()).map(l -> Math.min(l, 2)).toArray();
        byte[] fixedOutput = io.edgeloop.compiler.testing.TestGraphs.mlp(
                        new ValidationSet(train.features(), threeLabels), 8, 3, 1)
                .toByteArray();
        given().contentType("application/octet-stream")
                .body(fixedOutput)
                .post("/models?name=bad-upload&dataset=bad-data&datasetVersion=1")
                .then()
                .statusCode(422)
                .body("detail", containsString("outputs 3 classes, the snapshot has 4"));
        given().contentType("application/octet-stream")
                .body(TestModels.gemmSoftmax(LINEAR))
                .post("/models?name=bad-upload&dataset=no-such-data&datasetVersion=1")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().contentType("application/octet-stream")
                .body(new byte[0])
                .post("/models?name=bad%20name&datasetVersion=x")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("name", "dataset", "datasetVersion", "body"));

        assertEquals(0, registry.versionCount("bad-upload"), "no registry version");
        assertEquals(artifactsBefore, artifacts.count(), "no artifact");
        assertTrue(compilationsOf("bad-upload").isEmpty(), "no compilation row");
        java.nio.file.Path work = io.edgeloop.compiler.domain.CompilationService.workRoot(config);
        if (java.nio.file.Files.isDirectory(work)) {
            try (var left = java.nio.file.Files.list(work)) {
                assertEquals(
                        List.of(),
                        left.filter(p -> p.getFileName().toString().startsWith("upload-")
                                        || p.getFileName().toString().startsWith("memory-probe-"))
                                .toList(),
                        "no staged files, no probe scratch folders");
            }
        }
    }

    @Test
    void restErrorsAreProblems() {
        given().get("/compilations/no-such-id")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("no-such-id"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/compilations")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("modelName", "modelVersion"));
        given().contentType(ContentType.JSON)
                .body("{\"modelName\":\"bad name!\",\"modelVersion\":0}")
                .post("/compilations")
                .then()
                .statusCode(422)
                .body("errors.size()", equalTo(2));
        given().contentType(ContentType.JSON)
                .body("{\"modelName\":\"unknown-model\",\"modelVersion\":7}")
                .post("/compilations")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("no version 7 of model unknown-model"));
        given().contentType(ContentType.JSON)
                .body("{\"modelName\":")
                .post("/compilations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().get("/compilations?limit=0").then().statusCode(422);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItems("compiler"))
                .body(
                        "checks.find { it.name == 'compiler' }.data.peak_memory_scope",
                        equalTo("session (isolated process)"));
    }
}
