package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.training.domain.TrainingPipeline;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class TrainingServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @Inject
    @GrpcService
    FakeArtifactService artifacts;

    @BeforeAll
    static void topics() {
        List<String> topics = new ArrayList<>(Topics.ALL);
        topics.add(Topics.deadLetter(Topics.DATA_READY));
        KafkaTestResource.broker().createTopics(topics);
    }

    @Test
    void dataReadyTrainsOnceRegistersAndEmitsModelTrained() throws Exception {
        String dataset = "vibration-events";
        datasets.define(dataset, 2);
        DataReady first = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1));
        DataReady second = dataReady(dataset, 2, FakeDatasetService.contentHash(dataset, 2));
        produce(dataset, first.toByteArray());
        produce(dataset, first.toByteArray()); // redelivery of the same event
        produce(dataset, second.toByteArray());

        List<ConsumerRecord<String, byte[]>> records = modelTrained(
                r -> parse(r).getMeta().getCausationId().equals(second.getMeta().getEventId()));
        List<ModelTrained> fromFirst = records.stream()
                .map(TrainingServiceTest::parse)
                .filter(e -> e.getMeta().getCausationId().equals(first.getMeta().getEventId()))
                .toList();
        assertEquals(1, fromFirst.size(), "the duplicate DataReady must not train or emit twice");
        assertEquals(2, datasets.streams(dataset), "one snapshot fetch per distinct event");
        String runId = TrainingPipeline.runIdFor(first.getMeta().getEventId());
        assertEquals(1, registry.requestsForRun(runId).size());

        ModelTrained t1 = fromFirst.get(0);
        assertEquals(dataset, t1.getModelName());
        assertEquals(1, t1.getModelVersion());
        assertEquals(runId, t1.getTrainingRunId());
        assertEquals(dataset + "@v1", t1.getSnapshotId());
        assertEquals(1, t1.getDatasetVersion());
        assertEquals(first.getMeta().getCorrelationId(), t1.getMeta().getCorrelationId());
        assertEquals("training-service", t1.getMeta().getProducer());
        assertTrue(t1.getTestMetrics().getAccuracy() > 0.8, "test accuracy " + t1.getTestMetrics());
        assertTrue(t1.getTestMetrics().getMacroF1() > 0.8, "test macro F1 " + t1.getTestMetrics());
        assertTrue(t1.getTestMetrics().getLoss() > 0 && t1.getTestMetrics().getLoss() < Math.log(4));
        assertEquals(FakeDatasetService.TEST, t1.getTestMetrics().getSampleCount());
        assertEquals(FakeDatasetService.VALIDATION, t1.getValidationMetrics().getSampleCount());
        assertTrue(t1.getEpochs() >= 1 && t1.getEpochs() <= 8, "epochs " + t1.getEpochs());
        assertEquals(SensorSimulator.LABELS, t1.getClassLabelsList());
        assertEquals(8, t1.getFeatureCount());
        assertTrue(t1.getTrainingSeconds() > 0);

        // the registered artifact is the ONNX file the event describes, and ONNX Runtime loads it
        byte[] onnx = artifacts.bytes(t1.getArtifactSha256());
        assertNotNull(onnx);
        assertEquals(t1.getArtifactSha256(), Hashing.sha256Hex(onnx));
        assertEquals(onnx.length, t1.getArtifactSizeBytes());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx)) {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertEquals(dataset + "@v1", meta.get("snapshot_id"));
            assertEquals(String.join(",", SensorSimulator.LABELS), meta.get("class_labels"));
            assertEquals(runId, meta.get("training_run_id"));
        }

        // the second snapshot becomes version 2 with version 1 as its parent
        ModelTrained t2 = records.stream()
                .map(TrainingServiceTest::parse)
                .filter(e ->
                        e.getMeta().getCausationId().equals(second.getMeta().getEventId()))
                .findFirst()
                .orElseThrow();
        assertEquals(2, t2.getModelVersion());
        RegisterVersionRequest reg2 =
                registry.requestsForRun(t2.getTrainingRunId()).get(0);
        assertEquals(1, reg2.getLineage().getParentVersion());
        assertEquals(0, registry.requestsForRun(runId).get(0).getLineage().getParentVersion());
        assertEquals(t2.getTrainingRunId(), reg2.getIdempotencyKey());
        assertEquals(second.getMeta().getCorrelationId(), reg2.getLineage().getCorrelationId());
        assertEquals(t2.getTestMetrics().getAccuracy(), reg2.getMetricsOrThrow("test_accuracy"), 0);
        assertEquals(t2.getValidationMetrics().getAccuracy(), reg2.getMetricsOrThrow("validation_accuracy"), 0);

        // key = model name, typed headers
        ConsumerRecord<String, byte[]> rec = records.stream()
                .filter(r -> parse(r).getTrainingRunId().equals(runId))
                .findFirst()
                .orElseThrow();
        assertEquals(dataset, rec.key());
        assertEquals(
                "edgeloop.events.v1.ModelTrained",
                new String(rec.headers().lastHeader("event-type").value(), StandardCharsets.UTF_8));

        // the run over REST
        given().get("/training-runs/" + runId)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("trigger", equalTo("event"))
                .body("requestedBy", equalTo("training-service"))
                .body("modelVersion", equalTo(1))
                .body("snapshotId", equalTo(dataset + "@v1"))
                .body("dataReadyEventId", equalTo(first.getMeta().getEventId()))
                .body("artifactSha256", equalTo(t1.getArtifactSha256()))
                .body("test.sampleCount", equalTo(100))
                .body("test.accuracy", equalTo((float) t1.getTestMetrics().getAccuracy()));
        List<String> ids = given().queryParam("datasetName", dataset)
                .get("/training-runs")
                .then()
                .statusCode(200)
                .body("$", hasSize(2))
                .extract()
                .jsonPath()
                .getList("id");
        assertEquals(List.of(t2.getTrainingRunId(), runId), ids, "newest first");
    }

    @Test
    void failedRunRecordsWhyAndEmitsNothing() {
        String dataset = "vibration-tampered";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, "0".repeat(64)); // not the snapshot's content hash
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        JsonPath run = awaitRun(runId, s -> s.equals("FAILED"));
        assertTrue(run.getString("failureReason").contains("content hash"), run.getString("failureReason"));
        assertNotNull(run.getString("finishedAt"));
        assertEquals(0, registry.requestsForRun(runId).size());
        assertEquals(0, datasets.streams(dataset), "no samples fetched for a contradicting snapshot");
        List<ModelTrained> emitted = enqueued(runId);
        assertEquals(List.of(), emitted);
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopic() {
        byte[] garbage = "not a protobuf event".getBytes(StandardCharsets.UTF_8);
        produce("junk", garbage);
        List<ConsumerRecord<String, byte[]>> dead =
                read(Topics.deadLetter(Topics.DATA_READY), r -> "junk".equals(r.key()));
        assertTrue(dead.stream().anyMatch(r -> "junk".equals(r.key())));
    }

    @Test
    void onDemandRunOverRestSurvivesRegistryOutage() {
        String dataset = "vibration-api";
        datasets.define(dataset, 3);
        registry.faults()
                .failNext(
                        ModelRegistryGrpc.getRegisterVersionMethod(),
                        2,
                        Status.UNAVAILABLE.withDescription("injected outage"));
        String location = given().header("Authorization", TestAuth.bearer("alice", Roles.ML))
                .contentType(ContentType.JSON)
                .body("{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":0}")
                .post("/training-runs")
                .then()
                .statusCode(202)
                .header("Location", containsString("/training-runs/"))
                .body("status", equalTo("QUEUED"))
                .body("trigger", equalTo("api"))
                .body("requestedBy", equalTo("alice"))
                .body("datasetVersion", equalTo(3)) // 0 = latest, resolved
                .body("snapshotId", equalTo(dataset + "@v3"))
                .extract()
                .header("Location");
        String runId = location.substring(location.lastIndexOf('/') + 1);
        JsonPath run = awaitRun(runId, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertTrue(run.getDouble("test.accuracy") > 0.8, run.prettify());
        assertTrue(run.getDouble("validation.macroF1") > 0.8, run.prettify());
        assertEquals(1, run.getInt("modelVersion"));
        // two injected UNAVAILABLE answers, then success: retried with the same idempotency key
        List<RegisterVersionRequest> calls = registry.requestsForRun(runId);
        assertEquals(3, calls.size());
        assertTrue(calls.stream().allMatch(c -> c.getIdempotencyKey().equals(runId)));
        ModelTrained event = enqueued(runId).get(0);
        assertEquals("", event.getMeta().getCausationId());
        assertEquals(run.getString("artifactSha256"), event.getArtifactSha256());
        // a run without distillationTemperature does not distill
        assertFalse(event.hasDistillation());
        assertNull(run.get("distillation"));
        assertNull(run.get("progress.phase"));
        assertFalse(calls.get(2).getMetricsMap().containsKey("teacher_test_accuracy"));
    }

    @Test
    void restRunTakesTheDataKindAndShapeFromTheSnapshotMetadata() {
        String dataset = "windows-by-rest";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String location = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"maxEpochs\":2}}")
                .statusCode(202)
                .body("dataKind", equalTo("timeseries"))
                .body("sampleShape", equalTo(List.of(2, 4)))
                .extract()
                .header("Location");
        JsonPath run = awaitRun(
                location.substring(location.lastIndexOf('/') + 1), s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals("cnn1d", run.getString("spec.architecture"), "auto architecture for time series");
        assertEquals(List.of(2, 4), run.getList("inputShape"));
    }

    @Test
    void restRunWithAGruAndAugmentationReportsBoth() {
        String dataset = "windows-gru-augmented";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String location = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"maxEpochs\":2,"
                                + "\"architecture\":\"gru\",\"hiddenUnits\":[8],\"augmentation\":{\"noiseStd\":0.1,"
                                + "\"timeShiftMax\":1,\"gainMin\":0.9,\"gainMax\":1.1}}}")
                .statusCode(202)
                .body("requestedSpec.augmentation.noiseStd", equalTo(0.1f))
                .extract()
                .header("Location");
        String runId = location.substring(location.lastIndexOf('/') + 1);
        JsonPath run = awaitRun(runId, s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals("gru", run.getString("spec.architecture"));
        assertEquals(1, run.getInt("spec.augmentation.timeShiftMax"));
        assertEquals("circular", run.getString("spec.augmentation.timeShiftMode"));
        assertEquals(0.9, run.getDouble("spec.augmentation.gainMin"), 1e-9);
        assertTrue(run.getString("architecture").startsWith("gru(2x4-gru8-last-"), run.getString("architecture"));
        ModelTrained event = enqueued(runId).get(0);
        assertEquals(0.1, event.getSpec().getAugmentation().getNoiseStd(), 1e-9);
        assertEquals("gru", event.getSpec().getArchitecture());
    }

    @Test
    void invalidAugmentationIsRejectedNamingTheField() {
        String dataset = "windows-augmentation-bad";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String prefix = "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"augmentation\":";
        postJson("/training-runs", prefix + "{\"brightness\":\"x\",\"flip\":true}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.augmentation.brightness", "spec.augmentation.flip"));
        postJson("/training-runs", prefix + "{\"noiseStd\":-1,\"gainMin\":2,\"gainMax\":1}}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.augmentation.noiseStd", "spec.augmentation.gainMax"));
        // fits the data set's kind and windows: no flips for time series, a shift shorter than the window
        postJson("/training-runs", prefix + "{\"horizontalFlip\":true,\"timeShiftMax\":4}}}")
                .statusCode(422)
                .body(
                        "errors.field",
                        containsInAnyOrder("spec.augmentation.timeShiftMax", "spec.augmentation.horizontalFlip"));
    }

    @Test
    void restRunWithASpectralImpulseTrainsOnRawWindowsAndReportsTheBlock() {
        String dataset = "windows-impulse";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String location = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"maxEpochs\":2,"
                                + "\"impulse\":{\"block\":\"spectral\",\"bands\":2}}}")
                .statusCode(202)
                .body("requestedSpec.impulse.block", equalTo("spectral"))
                .extract()
                .header("Location");
        JsonPath run = awaitRun(
                location.substring(location.lastIndexOf('/') + 1), s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals("mlp", run.getString("spec.architecture"), "a spectral impulse defaults to an MLP");
        assertEquals("spectral", run.getString("spec.impulse.block"));
        assertEquals(2, run.getInt("spec.impulse.bands"));
        assertEquals(List.of(2, 4), run.getList("inputShape"), "the model takes the raw window");
        assertTrue(run.getString("architecture").startsWith("spectral(2 bands"), run.getString("architecture"));
    }

    @Test
    void anImpulseWithoutARateTakesTheSnapshotsAndOneWithoutAnyIsRefused() {
        String dataset = "windows-100hz";
        datasets.define(dataset, 1, "timeseries", List.of(1, 8), 100);
        String spec = "\"spec\":{\"maxEpochs\":1,\"impulse\":{\"block\":\"mfe\",\"frameLength\":4,"
                + "\"frameStride\":2,\"fftLength\":8,\"melFilters\":2}}}";
        String location = postJson(
                        "/training-runs", "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1," + spec)
                .statusCode(202)
                .extract()
                .header("Location");
        JsonPath run = awaitRun(
                location.substring(location.lastIndexOf('/') + 1), s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals(100.0, run.getDouble("spec.impulse.sampleRateHz"), 1e-9, run.prettify());

        String unknown = "windows-no-rate";
        datasets.define(unknown, 1, "timeseries", List.of(1, 8));
        postJson("/training-runs", "{\"datasetName\":\"" + unknown + "\",\"datasetVersion\":1," + spec)
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.sampleRateHz"))
                .body("errors[0].message", containsString("required for block mfe"));
    }

    @Test
    void invalidImpulsesAreRejectedNamingTheField() {
        String dataset = "windows-bad-impulse";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String prefix = "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,";
        postJson(
                        "/training-runs",
                        prefix + "\"spec\":{\"impulse\":{\"block\":\"spectral\",\"sampleRateHz\":\"fast\","
                                + "\"colour\":1}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.sampleRateHz", "spec.impulse.colour"));
        postJson(
                        "/training-runs",
                        prefix + "\"spec\":{\"impulse\":{\"block\":\"spectral\",\"bands\":500,\"frameLength\":8}}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.impulse.bands", "spec.impulse.frameLength"));
        // knowable at submission: a frame of 8 samples does not fit windows of 4
        postJson(
                        "/training-runs",
                        prefix + "\"spec\":{\"impulse\":{\"block\":\"mfe\",\"sampleRateHz\":100,\"frameLength\":8}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.frameLength"))
                .body("errors[0].message", containsString("longer than the window"));
        postJson(
                        "/searches",
                        prefix
                                + "\"targetProfile\":\"mcu\",\"spec\":{\"impulse\":{\"block\":\"mfcc\",\"sampleRateHz\":100}}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.impulse.frameLength"));
    }

    @Test
    void badRequestsGetProblemDetails() {
        datasets.define("vibration-known", 1);
        postJson("/training-runs", "{}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("datasetName", "datasetVersion"));
        postJson("/training-runs", "{\"datasetName\":\"\",\"datasetVersion\":-1}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("datasetName", "datasetVersion"));
        postJson("/training-runs", "{\"datasetName\":\"vibration-known\",\"datasetVersion\":\"one\"}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("datasetVersion"));
        postJson("/training-runs", "[1]").statusCode(400).contentType("application/problem+json");
        postJson("/training-runs", "{\"datasetName\":\"vibration-known\",\"datasetVersion\":2}")
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("vibration-known@v2"));
        postJson("/training-runs", "{\"datasetName\":\"no-such-dataset\",\"datasetVersion\":1}")
                .statusCode(404);
        given().get("/training-runs/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().queryParam("limit", "0")
                .get("/training-runs")
                .then()
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("limit"));
    }

    @Test
    void timeSeriesKindAndSpecFromDataReadyTrainA1dCnnWithPerClassMetrics() throws Exception {
        String dataset = "vibration-windows";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1)).toBuilder()
                .setDataKind("timeseries")
                .addAllSampleShape(List.of(2, 4))
                .setTrainingSpec(TrainingSpec.newBuilder()
                        .addHiddenUnits(8)
                        .setMaxEpochs(4)
                        .setOptimizer("sgd")
                        .setLearningRate(0.05))
                .build();
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        ModelTrained t = published(runId);
        assertTrue(t.getArchitecture().startsWith("cnn1d(2x4-conv8-relu-pool2-gap-4)"), t.getArchitecture());
        assertEquals(List.of(2, 4), t.getSampleShapeList());
        assertEquals("cnn1d", t.getSpec().getArchitecture());
        assertEquals("sgd", t.getSpec().getOptimizer());
        assertEquals(4, t.getSpec().getMaxEpochs());
        assertEquals(List.of(8), t.getSpec().getHiddenUnitsList());
        // conv 8*2*3+8, dense 4*8+4
        assertEquals(56 + 36, t.getParameterCount());
        // per-class figures agree with the confusion matrix
        var test = t.getTestMetrics();
        assertEquals(4, test.getPerClassCount());
        assertEquals(16, test.getConfusionMatrixCount());
        assertEquals(
                test.getSampleCount(),
                test.getConfusionMatrixList().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        long correct = 0;
        for (int c = 0; c < 4; c++) {
            long support = 0;
            for (int k = 0; k < 4; k++) {
                support += test.getConfusionMatrix(c * 4 + k);
            }
            assertEquals(support, test.getPerClass(c).getSupport());
            assertEquals(SensorSimulator.LABELS.get(c), test.getPerClass(c).getLabel());
            correct += test.getConfusionMatrix(c * 4 + c);
        }
        assertEquals(test.getAccuracy(), (double) correct / test.getSampleCount(), 1e-12);
        byte[] onnx = artifacts.bytes(t.getArtifactSha256());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx)) {
            long[] shape = ((ai.onnxruntime.TensorInfo)
                            session.getInputInfo().get("input").getInfo())
                    .getShape();
            assertEquals(
                    List.of(-1L, 2L, 4L), java.util.Arrays.stream(shape).boxed().toList());
            assertEquals("timeseries", session.getMetadata().getCustomMetadata().get("data_kind"));
        }
        given().get("/training-runs/" + runId)
                .then()
                .statusCode(200)
                .body("dataKind", equalTo("timeseries"))
                .body("sampleShape", equalTo(List.of(2, 4)))
                .body("inputShape", equalTo(List.of(2, 4)))
                .body("spec.architecture", equalTo("cnn1d"))
                .body("requestedSpec.optimizer", equalTo("sgd"))
                .body("parameterCount", equalTo(92))
                .body("test.perClass", hasSize(4))
                .body("test.perClass[0].label", equalTo(SensorSimulator.LABELS.get(0)))
                .body("test.confusionMatrix", hasSize(4))
                .body("progress.epoch", equalTo(t.getEpochs()));
    }

    @Test
    void invalidSpecInDataReadyFailsTheRunAndEmitsNothing() {
        String dataset = "vibration-badspec";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1)).toBuilder()
                .setDataKind("image")
                .addAllSampleShape(List.of(1, 3, 3)) // 9 values, the snapshot has 8 features
                .build();
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        JsonPath run = awaitRun(runId, s -> s.equals("FAILED"));
        assertTrue(run.getString("failureReason").contains("does not match the feature count"), run.prettify());
        assertEquals(0, registry.requestsForRun(runId).size());
    }

    @Test
    void serverSentEventsDeliverProgressAndCompletion() throws Exception {
        RunEvents run = runWithProgress("vibration-sse", "{\"maxEpochs\":3,\"patience\":3}");
        String runId = run.runId();
        List<JsonNode> events = run.events();
        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
        assertEquals("status", types.get(0), types.toString());
        assertEquals("succeeded", types.get(types.size() - 1), types.toString());
        List<Integer> epochs = events.stream()
                .filter(e -> e.get("type").asText().equals("epoch"))
                .map(e -> e.get("epoch").get("epoch").asInt())
                .toList();
        assertEquals(List.of(1, 2, 3), epochs);
        assertTrue(events.stream()
                .filter(e -> e.get("type").asText().equals("epoch"))
                .allMatch(e -> e.get("epoch").get("trainLoss").asDouble() > 0
                        && e.get("epoch").get("maxEpochs").asInt() == 3
                        && (e.path("phase").isNull() || e.path("phase").isMissingNode())));
        JsonNode last = events.get(events.size() - 1);
        assertEquals("SUCCEEDED", last.get("status").asText());
        assertTrue(last.get("testAccuracy").asDouble() > 0.5, last.toString());
        // a finished run's stream gives its final state and ends
        var again = HttpClient.newHttpClient().send(eventsRequest(runId), HttpResponse.BodyHandlers.ofLines());
        List<String> lines = again.body().filter(l -> l.startsWith("data:")).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"succeeded\""), lines.get(0));
        given().get("/training-runs/" + UUID.randomUUID() + "/events").then().statusCode(404);
    }

    @Test
    void distillationReportsTeacherAndBothStudents() {
        String dataset = "vibration-distill";
        datasets.define(dataset, 1);
        postJson(
                        "/distillations",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"temperature\":-1,\"alpha\":2,"
                                + "\"teacher\":{\"hiddenUnits\":[0]},\"student\":{\"optimizer\":\"x\",\"color\":1}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.field",
                        containsInAnyOrder("temperature", "alpha", "teacher.hiddenUnits[0]", "student.color"));
        postJson("/distillations", "{\"datasetName\":\"nope\",\"datasetVersion\":1}")
                .statusCode(404);
        String id = postJson(
                        "/distillations",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"temperature\":3,\"alpha\":0.5,"
                                + "\"teacher\":{\"hiddenUnits\":[32,32],\"maxEpochs\":5},"
                                + "\"student\":{\"hiddenUnits\":[4],\"maxEpochs\":5}}")
                .statusCode(202)
                .header("Location", containsString("/distillations/"))
                .body("kind", equalTo("DISTILLATION"))
                .body("requestedBy", equalTo(TestAuth.ADMIN_SUBJECT))
                .extract()
                .path("id");
        JsonPath done = awaitExperiment("/distillations/" + id);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        long teacher = done.getLong("result.teacher.parameterCount");
        long distilled = done.getLong("result.distilledStudent.parameterCount");
        // teacher 8-32-32-4, student 8-4-4
        assertEquals(8 * 32 + 32 + 32 * 32 + 32 + 32 * 4 + 4, teacher);
        assertEquals(8 * 4 + 4 + 4 * 4 + 4, distilled);
        assertEquals(distilled, done.getLong("result.baselineStudent.parameterCount"));
        assertTrue(done.getLong("result.distilledStudent.onnxBytes") < done.getLong("result.teacher.onnxBytes"));
        assertEquals(3.0, done.getDouble("result.temperature"), 0);
        double gain = done.getDouble("result.distilledStudent.test.accuracy")
                - done.getDouble("result.baselineStudent.test.accuracy");
        assertEquals(gain, done.getDouble("result.accuracyGain"), 1e-6);
        assertTrue(done.getDouble("result.teacher.test.accuracy") > 0.8, done.prettify());
        assertEquals(4, done.getList("result.distilledStudent.test.perClass").size());
        assertTrue(done.getInt("epochsDone") >= 3);
        given().get("/distillations/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/searches/" + id).then().statusCode(404); // not a search
    }

    @Test
    void searchFindsTheBestCandidateThatFitsTheProfile() {
        String dataset = "vibration-search";
        datasets.define(dataset, 1);
        postJson("/searches", "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"targetProfile\":\"watch\"}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("targetProfile"));
        postJson("/searches", "{\"datasetVersion\":1}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("datasetName", "targetProfile"));
        String id = postJson(
                        "/searches",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"targetProfile\":\"mcu\","
                                + "\"spec\":{\"maxEpochs\":4}}")
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath done = awaitExperiment("/searches/" + id);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals("mlp", done.getString("result.architecture"));
        assertEquals(65536L, done.getLong("result.ramLimitBytes"));
        List<Map<String, Object>> candidates = done.getList("result.candidates");
        assertEquals(4, candidates.size());
        int best = done.getInt("result.bestIndex");
        assertTrue(done.getBoolean("result.best.estimate.fits"));
        assertTrue(done.getLong("result.best.estimate.ramBytes") <= 65536);
        for (int i = 0; i < candidates.size(); i++) {
            String c = "result.candidates[" + i + "]";
            assertTrue(done.getLong(c + ".model.parameterCount") > 0);
            assertTrue(done.getLong(c + ".estimate.flashBytes") >= done.getLong(c + ".model.parameterBytes"));
            assertEquals(done.getLong(c + ".model.macs"), done.getLong(c + ".estimate.macs"));
            assertTrue(done.getDouble(c + ".hostLatencyMicros") > 0);
            if (done.getBoolean(c + ".estimate.fits")) {
                assertTrue(done.getDouble(c + ".model.validation.accuracy")
                        <= done.getDouble("result.candidates[" + best + "].model.validation.accuracy"));
            }
        }
    }

    @Test
    void invalidSpecOverRestIsRejected() {
        datasets.define("vibration-spec", 1);
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-spec\",\"datasetVersion\":1,\"dataKind\":\"audio\","
                                + "\"sampleShape\":[2,0],\"spec\":{\"architecture\":\"rnn\",\"maxEpochs\":\"ten\","
                                + "\"targetProfile\":\"toaster\"}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("dataKind", "sampleShape[1]", "spec.maxEpochs"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-spec\",\"datasetVersion\":1,"
                                + "\"spec\":{\"architecture\":\"rnn\",\"targetProfile\":\"toaster\"}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.architecture", "spec.targetProfile"));
        // a gru runs over [channels, steps]: 3-D samples are refused at submission, naming the architecture
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-spec\",\"datasetVersion\":1,\"dataKind\":\"image\","
                                + "\"sampleShape\":[2,2,2],\"spec\":{\"architecture\":\"gru\"}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("spec.architecture"))
                .body("errors.message", contains(startsWith("gru needs samples of shape [channels, steps]")));
    }

    @Test
    void restRunWithDistillationTemperatureShipsTheDistilledStudent() throws Exception {
        String dataset = "vibration-kd";
        RunEvents kd = runWithProgress(
                dataset,
                "{\"hiddenUnits\":[32,32],\"maxEpochs\":4,\"patience\":4,\"distillationTemperature\":3,"
                        + "\"distillationAlpha\":0.5}");
        String runId = kd.runId();
        List<JsonNode> events = kd.events();

        // progress covers the three trainings, each tagged with its phase: 4 epochs each (patience 4)
        List<String> phases = events.stream()
                .filter(e -> e.get("type").asText().equals("epoch"))
                .map(e -> e.get("phase").asText() + e.get("epoch").get("epoch").asInt())
                .toList();
        List<String> expected = java.util.stream.Stream.of("teacher", "student-alone", "student")
                .flatMap(p -> java.util.stream.IntStream.rangeClosed(1, 4).mapToObj(e -> p + e))
                .toList();
        assertEquals(expected, phases);
        assertEquals("succeeded", events.get(events.size() - 1).get("type").asText());
        // the stored curve has the same twelve epochs, one sequence across the phases, each timed
        JsonPath curve = given().get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < curve.getList("$").size(); i++) {
            stored.add(curve.getString("[" + i + "].phase") + curve.getInt("[" + i + "].epoch"));
            assertEquals(i + 1, curve.getInt("[" + i + "].seq"));
            assertTrue(curve.getDouble("[" + i + "].durationSeconds") > 0);
        }
        assertEquals(expected, stored);

        // the run is the distilled student: 8-8-8-4 (the teacher's widths / 4)
        long teacherParams = 8 * 32 + 32 + 32 * 32 + 32 + 32 * 4 + 4;
        long studentParams = 8 * 8 + 8 + 8 * 8 + 8 + 8 * 4 + 4;
        JsonPath run = awaitRun(runId, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals(studentParams, run.getLong("parameterCount"));
        assertEquals(List.of(8, 8), run.getList("spec.hiddenUnits"));
        assertTrue(run.getString("architecture").startsWith("mlp(8-8-relu-8-relu-4)"), run.getString("architecture"));
        assertEquals("student", run.getString("progress.phase"));
        assertEquals(4, run.getInt("progress.epoch"));
        assertEquals(0.5, run.getDouble("requestedSpec.distillationAlpha"), 0);
        assertEquals(3.0, run.getDouble("distillation.temperature"), 0);
        assertEquals(0.5, run.getDouble("distillation.alpha"), 0);
        assertEquals(teacherParams, run.getLong("distillation.teacher.parameterCount"));
        assertEquals(List.of(32, 32), run.getList("distillation.teacher.spec.hiddenUnits"));
        assertTrue(run.getDouble("distillation.teacher.test.accuracy") > 0.8, run.prettify());
        assertEquals(studentParams, run.getLong("distillation.studentAlone.parameterCount"));
        assertEquals(List.of(8, 8), run.getList("distillation.studentAlone.spec.hiddenUnits"));
        assertEquals(100, run.getInt("distillation.studentAlone.test.sampleCount"));
        assertEquals(4, run.getList("distillation.studentAlone.test.perClass").size());
        assertEquals(
                run.getDouble("test.accuracy") - run.getDouble("distillation.studentAlone.test.accuracy"),
                run.getDouble("distillation.accuracyGain"),
                1e-6);
        assertEquals(
                (double) studentParams / teacherParams,
                run.getDouble("distillation.studentToTeacherParameterRatio"),
                1e-6);

        // ModelTrained announces the student, with the teacher and the student alone alongside
        ModelTrained event = enqueued(runId).get(0);
        assertEquals(studentParams, event.getParameterCount());
        assertEquals(List.of(8, 8), event.getSpec().getHiddenUnitsList());
        assertEquals(run.getDouble("test.accuracy"), event.getTestMetrics().getAccuracy(), 1e-6);
        assertTrue(event.hasDistillation());
        var d = event.getDistillation();
        assertEquals(3.0, d.getTemperature(), 0);
        assertEquals(0.5, d.getAlpha(), 0);
        assertEquals(teacherParams, d.getTeacherParameterCount());
        assertEquals(List.of(32, 32), d.getTeacherHiddenUnitsList());
        assertTrue(d.getTeacherArchitecture().startsWith("mlp(8-32-relu-32-relu-4)"), d.getTeacherArchitecture());
        assertEquals(
                run.getDouble("distillation.teacher.test.accuracy"),
                d.getTeacherTestMetrics().getAccuracy(),
                1e-6);
        assertEquals(100, d.getStudentAloneTestMetrics().getSampleCount());
        assertEquals(4, d.getStudentAloneTestMetrics().getPerClassCount());
        assertEquals(16, d.getTeacherTestMetrics().getConfusionMatrixCount());

        // the registered version is the student; the registry metrics name the teacher and the student alone
        List<RegisterVersionRequest> calls = registry.requestsForRun(runId);
        assertEquals(1, calls.size());
        Map<String, Double> metrics = calls.get(0).getMetricsMap();
        assertEquals(studentParams, metrics.get("parameter_count"), 0);
        assertTrue(metrics.get("parameter_count") < metrics.get("teacher_parameter_count"), metrics.toString());
        assertEquals(d.getTeacherTestMetrics().getAccuracy(), metrics.get("teacher_test_accuracy"), 0);
        assertEquals(d.getStudentAloneTestMetrics().getAccuracy(), metrics.get("student_alone_test_accuracy"), 0);
        assertEquals(3.0, metrics.get("distillation_temperature"), 0);
        assertEquals(0.5, metrics.get("distillation_alpha"), 0);
        byte[] onnx = artifacts.bytes(event.getArtifactSha256());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx)) {
            assertEquals(
                    Long.toString(studentParams),
                    session.getMetadata().getCustomMetadata().get("parameter_count"));
        }
    }

    @Test
    void dataReadyDistillationTakesTheRequestedStudentAndDefaultAlpha() {
        String dataset = "vibration-kd-event";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1)).toBuilder()
                .setTrainingSpec(TrainingSpec.newBuilder()
                        .addHiddenUnits(16)
                        .setMaxEpochs(3)
                        .setDistillationTemperature(2)
                        .addStudentHiddenUnits(4)
                        // given student units: no search, even with a target profile
                        .setTargetProfile("mcu"))
                .build();
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        ModelTrained t = published(runId);
        assertEquals(List.of(4), t.getSpec().getHiddenUnitsList());
        assertEquals(8 * 4 + 4 + 4 * 4 + 4, t.getParameterCount());
        assertEquals(0.7, t.getDistillation().getAlpha(), 0);
        assertEquals(2.0, t.getDistillation().getTemperature(), 0);
        assertEquals(List.of(16), t.getDistillation().getTeacherHiddenUnitsList());
        assertEquals(8 * 16 + 16 + 16 * 4 + 4, t.getDistillation().getTeacherParameterCount());
        given().get("/training-runs/" + runId)
                .then()
                .statusCode(200)
                .body("trigger", equalTo("event"))
                .body("requestedSpec.studentHiddenUnits", equalTo(List.of(4)))
                .body("distillation.alpha", equalTo(0.7f))
                .body("distillation.teacher.spec.hiddenUnits", equalTo(List.of(16)))
                .body("progress.phase", equalTo("student"));
    }

    @Test
    void targetProfileSearchPicksTheStudentAndTheTeacherKeepsItsUnits() {
        String dataset = "vibration-kd-search";
        datasets.define(dataset, 1);
        String runId = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"hiddenUnits\":[512,512],"
                                + "\"maxEpochs\":3,\"distillationTemperature\":2,\"targetProfile\":\"mcu\"}}")
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath run = awaitRun(runId, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals(List.of(512, 512), run.getList("distillation.teacher.spec.hiddenUnits"));
        // one of the search's MLP candidates, not the teacher's / 4 ([128, 128])
        List<List<Integer>> candidates = List.of(List.of(8), List.of(16), List.of(32, 32), List.of(64, 64));
        List<Integer> student = run.getList("spec.hiddenUnits", Integer.class);
        assertTrue(candidates.contains(student), student.toString());
        assertEquals(student, run.getList("distillation.studentAlone.spec.hiddenUnits", Integer.class));
        assertTrue(run.getLong("parameterCount") < run.getLong("distillation.teacher.parameterCount"));
    }

    @Test
    void normalizationAndClassWeightsAreValidatedNamingTheField() {
        datasets.define("vibration-opts-bad", 1);
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"normalization\":\"l2\",\"classWeights\":{\"normal\":0,\"bearing\":2}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.normalization", "spec.classWeights.normal"));
        // an unknown field is refused at the top level as inside the spec
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"specs\":{},"
                                + "\"spec\":{\"epochs\":3}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("specs", "spec.epochs"))
                .body("errors.message", everyItem(equalTo("unknown field")));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"classWeights\":\"inverse\"}}")
                .statusCode(422)
                .body("errors.field", contains("spec.classWeights"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"classWeights\":{\"normal\":\"heavy\"}}}")
                .statusCode(422)
                .body("errors.field", contains("spec.classWeights.normal"));
    }

    @Test
    void invalidDistillationSpecsAreRejected() {
        datasets.define("vibration-kd-bad", 1);
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"distillationTemperature\":101,\"distillationAlpha\":1.5,\"studentHiddenUnits\":[0,2000]}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.field",
                        containsInAnyOrder(
                                "spec.distillationTemperature",
                                "spec.distillationAlpha",
                                "spec.studentHiddenUnits[0]",
                                "spec.studentHiddenUnits[1]"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,"
                                + "\"spec\":{\"studentHiddenUnits\":[4],\"distillationAlpha\":0.5}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.studentHiddenUnits", "spec.distillationAlpha"))
                .body("errors.message", everyItem(equalTo("only used with distillationTemperature > 0")));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"distillationTemperature\":2,\"studentHiddenUnits\":[1,1,1,1,1,1,1],"
                                + "\"distillationAlpha\":\"high\"}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.distillationAlpha"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"distillationTemperature\":2,\"studentHiddenUnits\":[1,1,1,1,1,1,1]}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.studentHiddenUnits"))
                .body("errors.message", contains("at most 6 layers"));
        // the same rules hold for a spec in an event: the run fails and nothing is emitted
        DataReady event =
                dataReady("vibration-kd-bad", 1, FakeDatasetService.contentHash("vibration-kd-bad", 1)).toBuilder()
                        .setTrainingSpec(TrainingSpec.newBuilder().addStudentHiddenUnits(4))
                        .build();
        produce("vibration-kd-bad", event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        JsonPath run = awaitRun(runId, s -> s.equals("FAILED") || s.equals("SUCCEEDED"));
        assertEquals("FAILED", run.getString("status"), run.prettify());
        assertTrue(
                run.getString("failureReason")
                        .contains("studentHiddenUnits only used with distillationTemperature > 0"),
                run.getString("failureReason"));
        assertEquals(0, registry.requestsForRun(runId).size());
    }

    /** A run and every progress event it streamed. */
    record RunEvents(String runId, List<JsonNode> events) {}

    /**
     * Defines {@code dataset} (version 1), holds its data until the run's event stream is open, starts a REST run with
     * {@code specJson} and reads its progress events to the end.
     */
    private RunEvents runWithProgress(String dataset, String specJson) throws Exception {
        datasets.define(dataset, 1);
        CountDownLatch gate = new CountDownLatch(1);
        datasets.hold(dataset, gate);
        String runId = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":" + specJson + "}")
                .statusCode(202)
                .extract()
                .path("id");
        return new RunEvents(runId, progressEvents(runId, gate));
    }

    private static HttpRequest eventsRequest(String runId) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:19082/training-runs/" + runId + "/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", TestAuth.bearer("sse-viewer", Roles.VIEWER))
                .timeout(WAIT)
                .build();
    }

    /**
     * Opens the run's event stream (200, {@code text/event-stream}), lets the run fetch its data ({@code gate}) and
     * reads the stream to its end.
     */
    private static List<JsonNode> progressEvents(String runId, CountDownLatch gate) throws Exception {
        var response = HttpClient.newHttpClient()
                .sendAsync(eventsRequest(runId), HttpResponse.BodyHandlers.ofLines())
                .get(30, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        gate.countDown(); // the run may fetch its data now
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        response.body().filter(line -> line.startsWith("data:")).forEach(line -> {
            try {
                events.add(mapper.readTree(line.substring(5).trim()));
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        });
        return events;
    }

    /** The finished experiment at {@code path}. */
    private static JsonPath awaitExperiment(String path) {
        return awaitStatus(path, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
    }

    private static DataReady dataReady(String dataset, int version, String contentHash) {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(dataset)
                .setDatasetVersion(version)
                .setSnapshotId(dataset + "@v" + version)
                .setContentHash(contentHash)
                .setFeatureCount(8)
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(FakeDatasetService.TRAIN)
                .setValidationCount(FakeDatasetService.VALIDATION)
                .setTestCount(FakeDatasetService.TEST)
                .setTrigger("manual")
                .build();
    }

    private static void produce(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaTestResource.broker().bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DATA_READY, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelTrained parse(ConsumerRecord<String, byte[]> r) {
        return parse(r.value());
    }

    private static ModelTrained parse(byte[] value) {
        return Events.parse(value, ModelTrained.parser(), ModelTrained::getMeta);
    }

    private static List<ConsumerRecord<String, byte[]>> modelTrained(Predicate<ConsumerRecord<String, byte[]>> until) {
        return read(Topics.MODEL_TRAINED, until);
    }

    /** All records of {@code topic} from the beginning, read until one matches {@code until}. */
    private static List<ConsumerRecord<String, byte[]>> read(
            String topic, Predicate<ConsumerRecord<String, byte[]>> until) {
        List<ConsumerRecord<String, byte[]>> all =
                KafkaTestResource.broker().read(topic, read -> read.stream().anyMatch(until), WAIT);
        if (all.stream().noneMatch(until)) {
            throw new AssertionError("no matching record on " + topic + " within " + WAIT + "; read " + all.size());
        }
        return all;
    }

    private static JsonPath awaitRun(String runId, Predicate<String> status) {
        return awaitStatus("/training-runs/" + runId, status);
    }

    /** Polls {@code path} until it answers 200 with a {@code status} that matches. */
    private static JsonPath awaitStatus(String path, Predicate<String> status) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var response = given().get(path);
            if (response.statusCode() == 200 && status.test(response.jsonPath().getString("status"))) {
                return response.jsonPath();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(path + " did not reach the expected status within " + WAIT);
    }

    private static ValidatableResponse postJson(String path, String json) {
        return given().contentType(ContentType.JSON).body(json).post(path).then();
    }

    /** The ModelTrained events of a run in the outbox. */
    private static List<ModelTrained> enqueued(String runId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list("topic", Topics.MODEL_TRAINED).stream()
                        .map(o -> parse(o.payload))
                        .filter(e -> e.getTrainingRunId().equals(runId))
                        .toList());
    }

    /** The run's ModelTrained event, read from the topic. */
    private static ModelTrained published(String runId) {
        return modelTrained(r -> parse(r).getTrainingRunId().equals(runId)).stream()
                .map(TrainingServiceTest::parse)
                .filter(e -> e.getTrainingRunId().equals(runId))
                .findFirst()
                .orElseThrow();
    }
}
