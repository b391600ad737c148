package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.monitoring.domain.InferenceRetention;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.telemetry.v1.Feedback;
import io.edgeloop.proto.telemetry.v1.FeedbackOutcome;
import io.edgeloop.proto.telemetry.v1.FeedbackServiceGrpc;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.SubmitFeedbackRequest;
import io.edgeloop.proto.telemetry.v1.SubmitFeedbackResponse;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Performance monitoring with ground truth, end to end: telemetry windows itemize inferences by id; labels fed back
 * over REST (operator) and gRPC (a device, for its own inferences only) are joined with them, idempotently; the
 * performance endpoint reports accuracy, macro F1, per-class recall and calibration per version, device and time
 * window; a version whose accuracy stays near its test accuracy raises nothing, one whose accuracy falls raises one
 * DriftDetected {@code performance}; bad input is refused naming the field; retention trims old inferences.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class PerformanceFlowTest {
    private static final List<String> LABELS = SensorSimulator.LABELS;
    private static final String DRIFT_TYPE = DriftDetected.getDescriptor().getFullName();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String model = "perf-" + run;
    private final String devA = "pa-" + run;
    private final String devB = "pb-" + run;

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @GrpcClient("telemetry")
    Channel channel;

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @Inject
    InferenceRetention retention;

    @Test
    void labelsFedBackGivePerformanceAndAFallingAccuracyRaisesDriftOnce() {
        TestTopics.publish(Topics.DATA_READY, FakeDatasetService.DATASET, dataReady());
        await("reference profile", () -> given().get("/references/vibration@v1").statusCode() == 200);
        register(1);
        register(2);
        deploy(1);

        // v1: 100 inferences on device A, 50 on B, predicted class i % 4 at confidence 0.9; a synthetic window's too
        Instant now = Instant.now().minusSeconds(30);
        report(window("w1a", devA, 1, "v1a-", 100, now, "live"));
        report(window("w1b", devB, 1, "v1b-", 50, now, "simulator"));
        report(window("w1s", devA, 1, "syn-", 5, now, "synthetic"));

        // REST (operator): A's 100, correct except i = 0, 4, 8, 12, 16 (class 0 predicted, truly class 1); by name
        // for even i, by index for odd i; plus an unknown id, a synthetic inference and a label the model lacks
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int truth = i < 20 && i % 4 == 0 ? 1 : i % 4;
            items.add(Map.of("inferenceId", "v1a-" + i, "label", i % 2 == 0 ? LABELS.get(truth) : truth));
        }
        items.add(Map.of("inferenceId", "nope-" + run, "label", LABELS.get(0)));
        items.add(Map.of("inferenceId", "syn-0", "label", LABELS.get(0)));
        items.add(Map.of("inferenceId", "v1a-1", "label", "no-such-class"));
        items.add(Map.of("inferenceId", "v1a-3", "label", 4));
        JsonPath r = feedback(items).then().statusCode(200).extract().jsonPath();
        assertEquals(100, r.getLong("accepted"));
        assertEquals("accepted", r.getString("results[0].outcome"));
        assertFalse(r.getBoolean("results[0].duplicate"));
        assertEquals("unknown-inference", r.getString("results[100].outcome"));
        assertEquals("unknown-inference", r.getString("results[101].outcome"), "synthetic inferences are not kept");
        assertEquals("invalid-label", r.getString("results[102].outcome"));
        assertTrue(r.getString("results[102].reason").contains("no-such-class"));
        assertEquals("invalid-label", r.getString("results[103].outcome"), "index 4 of 4 classes");
        // the same feedback again counts once
        JsonPath again =
                feedback(items.subList(0, 100)).then().statusCode(200).extract().jsonPath();
        assertEquals(100, again.getLong("accepted"));
        assertTrue(again.getList("results.duplicate", Boolean.class).stream().allMatch(d -> d));

        JsonPath a = performance("?device=" + devA);
        assertEquals(1, a.getInt("modelVersion"));
        assertEquals(100, a.getLong("labelledCount"));
        assertEquals(0.95, a.getDouble("accuracy"), 1e-6);
        assertEquals(1.0, a.getDouble("perClassRecall.normal"), 1e-6);
        assertEquals(25.0 / 30, a.getDouble("perClassRecall.imbalance"), 1e-6);
        assertEquals(0.05, a.getDouble("expectedCalibrationError"), 1e-6); // all at 0.9, 95% right
        // F1: normal 2*20/(25+20) = 0.8889, imbalance 2*25/(25+30) = 0.9091, the others 1
        assertEquals((40.0 / 45 + 50.0 / 55 + 2) / 4, a.getDouble("macroF1"), 1e-6);
        assertEquals(0.9, a.getDouble("testAccuracy"), 1e-6);
        assertEquals(LABELS, a.getList("classLabels", String.class));

        // gRPC, device B: its own 50 (the first 10 wrong), and one of A's inferences (forbidden)
        FeedbackServiceGrpc.FeedbackServiceBlockingStub asB = feedbackAs(TestAuth.bearer(devB, Roles.DEVICE));
        SubmitFeedbackRequest.Builder b = SubmitFeedbackRequest.newBuilder().setModelName(model);
        for (int i = 0; i < 50; i++) {
            b.addItems(Feedback.newBuilder().setInferenceId("v1b-" + i).setClassIndex(i < 10 ? (i + 1) % 4 : i % 4));
        }
        b.addItems(Feedback.newBuilder().setInferenceId("v1a-50").setLabel(LABELS.get(2)));
        SubmitFeedbackResponse got = asB.submit(b.build());
        assertEquals(51, got.getResultsCount());
        assertTrue(got.getResultsList().subList(0, 50).stream()
                .allMatch(x -> x.getOutcome() == FeedbackOutcome.FEEDBACK_OUTCOME_ACCEPTED));
        assertEquals(
                FeedbackOutcome.FEEDBACK_OUTCOME_FORBIDDEN, got.getResults(50).getOutcome());

        // 135 of 150 right (0.90): not below 0.9 - 0.05, no drift
        JsonPath all = performance("");
        assertEquals(150, all.getLong("labelledCount"));
        assertEquals(0.9, all.getDouble("accuracy"), 1e-6);
        assertTrue(all.getBoolean("drift.evaluated"));
        assertFalse(all.getBoolean("drift.drifted"));
        assertNull(all.get("drift.driftEventId"));
        assertEquals(0.8, performance("?device=" + devB).getDouble("accuracy"), 1e-6);
        JsonPath none = performance("?since=" + Instant.now().plusSeconds(60));
        assertEquals(0, none.getLong("labelledCount"));
        assertNull(none.get("accuracy"));
        assertEquals(List.of(), performanceEvents());

        // v2 deployed: 120 inferences on A; labels in two batches, 60 of 120 right
        deploy(2);
        report(window("w2a", devA, 2, "v2a-", 120, now, "live"));
        List<Map<String, Object>> v2 = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            v2.add(Map.of("inferenceId", "v2a-" + i, "label", i % 2 == 0 ? i % 4 : (i + 1) % 4));
        }
        feedback(v2.subList(0, 50)).then().statusCode(200);
        assertEquals(List.of(), performanceEvents(), "50 labelled: fewer than min-labelled");
        assertFalse(performance("").getBoolean("drift.evaluated"));
        feedback(v2.subList(50, 120)).then().statusCode(200);
        List<DriftDetected> events = performanceEvents();
        assertEquals(1, events.size());
        DriftDetected e = events.get(0);
        assertEquals("performance", e.getMethod());
        assertEquals(2, e.getModelVersion());
        assertEquals(FakeDatasetService.DATASET, e.getDatasetName());
        assertEquals(List.of(devA), e.getDeviceIdsList());
        assertEquals(120, e.getPerformance().getLabelledCount());
        assertEquals(60, e.getPerformance().getCorrectCount());
        assertEquals(0.5, e.getPerformance().getAccuracy(), 1e-12);
        assertEquals(0.9, e.getPerformance().getTestAccuracy(), 1e-12);
        assertTrue(e.getPerformance().getPValue() < 0.01);
        JsonPath p2 = performance("");
        assertEquals(2, p2.getInt("modelVersion"));
        assertTrue(p2.getBoolean("drift.drifted"));
        assertEquals(e.getMeta().getEventId(), p2.getString("drift.driftEventId"));
        // more (changed) feedback: still one alarm for the version
        feedback(List.of(Map.of("inferenceId", "v2a-1", "label", 1))).then().statusCode(200);
        assertEquals(1, performanceEvents().size());
        assertEquals(150, performance("?version=1").getLong("labelledCount"));

        // retention: inferences older than 30 days are trimmed, their feedback then is for an unknown inference
        assertTrue(retention.trim(Instant.now().plus(Duration.ofDays(31))) >= 270);
        JsonPath trimmed = feedback(List.of(Map.of("inferenceId", "v1a-7", "label", 3)))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("unknown-inference", trimmed.getString("results[0].outcome"));
    }

    @Test
    void aFallingMeanConfidenceIsReportedWithTheDriftReport() {
        deploy(1);
        Instant t0 = Instant.now().minusSeconds(60);
        // confidence-window is 50 in tests: the first 50 inferences after deployment against the newest 50
        report(window("c1", devA, 1, "c1-", 50, t0, "live", 0.9f, 0.8f));
        JsonPath early = given().get("/models/" + model + "/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertNull(early.get("confidence.drift"));
        assertTrue(
                early.getString("confidence.reason").startsWith("50 inferences"), early.getString("confidence.reason"));
        report(window("c2", devB, 1, "c2-", 50, t0.plusSeconds(10), "live", 0.6f, 0.5f));
        JsonPath d = given().get("/models/" + model + "/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(50, d.getInt("confidence.drift.baselineCount"));
        assertEquals(50, d.getInt("confidence.drift.recentCount"));
        assertEquals(0.85, d.getDouble("confidence.drift.baselineMean"), 1e-6);
        assertEquals(0.55, d.getDouble("confidence.drift.recentMean"), 1e-6);
        assertTrue(d.getDouble("confidence.drift.pValue") < 1e-6);
        assertTrue(d.getBoolean("confidence.drift.drifted"));
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        feedback(List.of()).then().statusCode(422).body(containsString("\"items\""));
        feedback(List.of(Map.of("label", "normal")))
                .then()
                .statusCode(422)
                .body(containsString("items[0].inferenceId"));
        feedback(List.of(Map.of("inferenceId", "x", "label", 1.5)))
                .then()
                .statusCode(422)
                .body(containsString("items[0].label"));
        feedback(List.of(Map.of("inferenceId", "x", "label", -1)))
                .then()
                .statusCode(422)
                .body(containsString("items[0].label"));
        given().get("/models/" + model + "/performance?version=abc")
                .then()
                .statusCode(422)
                .body(containsString("\"version\""));
        given().get("/models/" + model + "/performance?version=1&since=yesterday")
                .then()
                .statusCode(422)
                .body(containsString("\"since\""));
        given().get("/models/" + model + "/performance").then().statusCode(404);

        FeedbackServiceGrpc.FeedbackServiceBlockingStub admin = FeedbackServiceGrpc.newBlockingStub(channel);
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.submit(SubmitFeedbackRequest.newBuilder()
                        .addItems(Feedback.newBuilder().setInferenceId("x").setClassIndex(-1))
                        .addItems(Feedback.newBuilder().setLabel("normal"))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String d = e.getStatus().getDescription();
        assertTrue(
                d.contains("model_name") && d.contains("items[0].class_index") && d.contains("items[1].inference_id"),
                d);
        e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.submit(
                        SubmitFeedbackRequest.newBuilder().setModelName(model).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("items"));
    }

    private io.restassured.response.Response feedback(List<Map<String, Object>> items) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("items", items))
                .post("/models/" + model + "/feedback");
    }

    private JsonPath performance(String query) {
        return given().get("/models/" + model + "/performance" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private FeedbackServiceGrpc.FeedbackServiceBlockingStub feedbackAs(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return FeedbackServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    private List<DriftDetected> performanceEvents() {
        List<byte[]> payloads = QuarkusTransaction.requiringNew()
                .call(() ->
                        OutboxEvent.<OutboxEvent>list("eventType = ?1 and recordKey = ?2", DRIFT_TYPE, model).stream()
                                .map(o -> o.payload)
                                .toList());
        List<DriftDetected> events = new ArrayList<>();
        for (byte[] p : payloads) {
            try {
                events.add(DriftDetected.parseFrom(p));
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return events.stream().filter(x -> x.getMethod().equals("performance")).toList();
    }

    @Test
    void feedbackForACapturedInputIsPublishedAsALabelledSampleOfTheDataset() throws Exception {
        TestTopics.publish(Topics.DATA_READY, FakeDatasetService.DATASET, dataReady());
        await("reference profile", () -> given().get("/references/vibration@v1").statusCode() == 200);
        registry.register(ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(1)
                .addAllClassLabels(LABELS)
                .putMetrics("test_accuracy", 0.9)
                .setFeatureCount(SensorSimulator.featureCount())
                .setLineage(io.edgeloop.proto.registry.v1.Lineage.newBuilder()
                        .setDatasetName(FakeDatasetService.DATASET)
                        .setDatasetVersion(1))
                .build());
        deploy(1);
        // cap-0 was captured by the device (an uncertain inference), cap-1 was not
        TelemetryWindow plain = window("cap", devA, 1, "cap-", 2, Instant.now().minusSeconds(10), "live", 0.4f, 0.95f);
        List<Float> input = List.of(0.5f, -1.25f, 3f);
        TelemetryWindow w = plain.toBuilder()
                .setInferences(0, plain.getInferences(0).toBuilder().addAllInput(input))
                .build();
        report(w);

        List<Map<String, Object>> items = List.of(
                Map.of("inferenceId", "cap-0", "label", LABELS.get(2)),
                Map.of("inferenceId", "cap-1", "label", LABELS.get(1)));
        assertEquals(
                2, feedback(items).then().statusCode(200).extract().jsonPath().getLong("accepted"));
        List<io.edgeloop.proto.events.v1.SampleLabelled> samples = labelledSamples();
        assertEquals(1, samples.size(), "only the captured inference becomes a sample");
        var e = samples.get(0);
        assertEquals(FakeDatasetService.DATASET, e.getDatasetName());
        assertEquals(model, e.getModelName());
        assertEquals(1, e.getModelVersion());
        assertEquals("cap-0", e.getInferenceId());
        assertEquals(devA, e.getDeviceId());
        assertEquals(input, e.getFeaturesList());
        assertEquals(LABELS.get(2), e.getLabel());
        assertEquals(LABELS.get(0), e.getPredictedLabel());
        assertEquals(0.4f, e.getConfidence());

        // the same label again publishes nothing; a corrected label publishes the correction
        feedback(items.subList(0, 1)).then().statusCode(200);
        assertEquals(1, labelledSamples().size());
        feedback(List.of(Map.of("inferenceId", "cap-0", "label", LABELS.get(3))))
                .then()
                .statusCode(200);
        assertEquals(
                List.of(LABELS.get(2), LABELS.get(3)),
                labelledSamples().stream().map(x -> x.getLabel()).toList());

        // an input that is not a number is refused with the window, naming the field
        TelemetryWindow bad = window("capbad", devA, 1, "bad-", 1, Instant.now().minusSeconds(5), "live");
        TelemetryWindow badInput = bad.toBuilder()
                .setInferences(0, bad.getInferences(0).toBuilder().addInput(Float.NaN))
                .build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> telemetry.report(badInput));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("inferences[0].input"));
    }

    @Test
    void performanceIsReportedPerFleetSegmentWorstFirst() {
        TestTopics.publish(Topics.DATA_READY, FakeDatasetService.DATASET, dataReady());
        await("reference profile", () -> given().get("/references/vibration@v1").statusCode() == 200);
        register(1);
        deploy(1);
        Instant at = Instant.now().minusSeconds(20);
        report(window("sa", devA, 1, "sa-", 20, at, "live").toBuilder()
                .putDeviceLabels("site", "north")
                .putDeviceLabels("hw", "rev-b")
                .build());
        report(window("sb", devB, 1, "sb-", 20, at, "live").toBuilder()
                .putDeviceLabels("site", "south")
                .build());
        // A's predictions all right, B's wrong for every odd i
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            items.add(Map.of("inferenceId", "sa-" + i, "label", LABELS.get(i % 4)));
            items.add(Map.of("inferenceId", "sb-" + i, "label", LABELS.get(i % 2 == 0 ? i % 4 : (i + 1) % 4)));
        }
        feedback(items).then().statusCode(200);

        JsonPath segments = given().get("/models/" + model + "/performance/segments?label=site")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of("south", "north"), segments.getList("value"), "worst first");
        assertEquals(0.5, segments.getDouble("[0].accuracy"), 1e-9);
        assertEquals(1.0, segments.getDouble("[1].accuracy"), 1e-9);
        assertEquals(20, segments.getLong("[1].labelledCount"));
        JsonPath north = performance("?segment=site=north");
        assertEquals(20, north.getLong("labelledCount"));
        assertEquals(1.0, north.getDouble("accuracy"), 1e-9);
        assertEquals(
                List.of("rev-b"),
                given().get("/models/" + model + "/performance/segments?label=hw")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("value"));

        given().get("/models/" + model + "/performance?segment=site")
                .then()
                .statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("segment"));
        given().get("/models/" + model + "/performance/segments")
                .then()
                .statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("label"));
        TelemetryWindow badLabels = window("sx", devA, 1, "sx-", 1, at, "live").toBuilder()
                .putDeviceLabels("bad key!", "x")
                .build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> telemetry.report(badLabels));
        assertTrue(refused.getStatus().getDescription().contains("device_labels"));
    }

    private List<io.edgeloop.proto.events.v1.SampleLabelled> labelledSamples() throws Exception {
        String type = io.edgeloop.proto.events.v1.SampleLabelled.getDescriptor().getFullName();
        List<byte[]> payloads = QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list(
                                "eventType = ?1 and recordKey = ?2 order by id", type, FakeDatasetService.DATASET)
                        .stream()
                        .map(o -> o.payload)
                        .toList());
        List<io.edgeloop.proto.events.v1.SampleLabelled> out = new ArrayList<>();
        for (byte[] p : payloads) {
            var e = io.edgeloop.proto.events.v1.SampleLabelled.parseFrom(p);
            if (e.getModelName().equals(model)) {
                out.add(e);
            }
        }
        return out;
    }

    private void register(int version) {
        registry.register(ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(version)
                .addAllClassLabels(LABELS)
                .putMetrics("test_accuracy", 0.9)
                .setFeatureCount(SensorSimulator.featureCount())
                .build());
    }

    private void deploy(int version) {
        TestTopics.publish(
                Topics.DEPLOYED,
                model,
                Deployed.newBuilder()
                        .setMeta(Events.newMeta(
                                "deployment-service", UUID.randomUUID().toString(), "c-" + version))
                        .setDeploymentId("dep-" + run + "-" + version)
                        .setModelName(model)
                        .setModelVersion(version)
                        .setVariantId("var-" + version)
                        .addDeviceIds(devA)
                        .addDeviceIds(devB)
                        .setSnapshotId(FakeDatasetService.DATASET + "@v1")
                        .build()
                        .toByteArray());
        await("v" + version + " deployed", () -> {
            var res = given().get("/models/" + model + "/drift");
            return res.statusCode() == 200 && res.jsonPath().getInt("modelVersion") == version;
        });
    }

    private void report(TelemetryWindow w) {
        assertTrue(telemetry.report(w).getAccepted());
    }

    /** A window of {@code n} classified inferences {@code prefix + i}, class {@code i % 4} at confidence 0.9. */
    private TelemetryWindow window(
            String id, String device, int version, String prefix, int n, Instant at, String source) {
        return window(id, device, version, prefix, n, at, source, 0.9f, 0.9f);
    }

    /** As above, the confidences alternating between {@code even} and {@code odd}. */
    private TelemetryWindow window(
            String id,
            String device,
            int version,
            String prefix,
            int n,
            Instant at,
            String source,
            float even,
            float odd) {
        TelemetryWindow.Builder w = TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + run)
                .setDeviceId(device)
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId("var-" + version)
                .setInferenceCount(n)
                .setSource(source)
                .setWindowStart(ProtoTime.of(at))
                .setWindowEnd(ProtoTime.of(at.plusSeconds(2)));
        Map<String, Long> classes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            w.addInferences(InferenceRecord.newBuilder()
                    .setInferenceId(prefix + i)
                    .setPredictedClass(i % 4)
                    .setConfidence(i % 2 == 0 ? even : odd)
                    .setInferredAt(ProtoTime.of(at.plusMillis(i))));
            classes.merge(LABELS.get(i % 4), 1L, Long::sum);
        }
        return w.putAllPredictedClassCounts(classes).build();
    }

    private static byte[] dataReady() {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(FakeDatasetService.DATASET)
                .setDatasetVersion(1)
                .setSnapshotId(FakeDatasetService.DATASET + "@v1")
                .setFeatureCount(SensorSimulator.featureCount())
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(FakeDatasetService.TRAIN_ROWS)
                .setValidationCount(FakeDatasetService.VALIDATION_ROWS)
                .setTrigger("manual")
                .build()
                .toByteArray();
    }
}
