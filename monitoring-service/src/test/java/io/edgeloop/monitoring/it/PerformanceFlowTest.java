package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.monitoring.domain.InferenceRetention;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.telemetry.v1.Feedback;
import io.edgeloop.proto.telemetry.v1.FeedbackOutcome;
import io.edgeloop.proto.telemetry.v1.FeedbackServiceGrpc;
import io.edgeloop.proto.telemetry.v1.SubmitFeedbackRequest;
import io.edgeloop.proto.telemetry.v1.SubmitFeedbackResponse;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Performance monitoring with ground truth, end to end: telemetry windows itemize inferences by id; labels fed back
 * over REST (operator) and gRPC (a device, for its own inferences only) are joined with them, idempotently; the
 * performance endpoint reports accuracy, macro F1, per-class recall and calibration per version, device and time
 * window; a version whose accuracy stays near its test accuracy raises nothing, one whose accuracy falls raises one
 * DriftDetected {@code performance}; retention trims old inferences; a falling mean confidence is reported with the
 * drift report.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class PerformanceFlowTest extends PerformanceFlowTestBase {
    private static final String DRIFT_TYPE = DriftDetected.getDescriptor().getFullName();

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
}
