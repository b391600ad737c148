package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.edgeloop.proto.events.v1.SampleLabelled;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Active learning over real Kafka and PostgreSQL: SampleCaptured (an input the served model was unsure of) becomes an
 * unlabeled sample linked to the inference with the prediction as suggestion, once per inference; the queue lists
 * them least confident first, paged; a person confirms suggestions or overrides them in bulk (label history under
 * their name) and the next snapshot holds the labelled samples; ground truth fed back for a captured inference
 * (SampleLabelled) labels the same sample, and one that came first is not duplicated by a later capture; inputs that
 * do not fit go to the DLQ with the reason.
 */
@QuarkusTest
class ActiveLearningTest {
    private static final String MODEL = "vib-model";
    private static final String DEVICE = "edge-4";

    private static byte[] captured(String ds, String inference, List<Float> x, String predicted, float confidence) {
        return SampleCaptured.newBuilder()
                .setMeta(Events.newMeta("monitoring-service", "c-" + inference, ""))
                .setDatasetName(ds)
                .setModelName(MODEL)
                .setModelVersion(3)
                .setInferenceId(inference)
                .setDeviceId(DEVICE)
                .addAllFeatures(x)
                .setPredictedLabel(predicted)
                .setConfidence(confidence)
                .setInferredAt(ProtoTime.of(Instant.parse("2026-12-01T10:00:00Z")))
                .build()
                .toByteArray();
    }

    private static byte[] labelled(String ds, String inference, List<Float> x, String label) {
        return SampleLabelled.newBuilder()
                .setMeta(Events.newMeta("monitoring-service", "c-" + UUID.randomUUID(), ""))
                .setDatasetName(ds)
                .setModelName(MODEL)
                .setModelVersion(3)
                .setInferenceId(inference)
                .setDeviceId(DEVICE)
                .addAllFeatures(x)
                .setLabel(label)
                .setPredictedLabel("normal")
                .setConfidence(0.4f)
                .build()
                .toByteArray();
    }

    private static JsonPath queue(String ds, String query) {
        return given().get("/datasets/" + ds + "/queue" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static List<Map<String, Object>> samples(String ds) {
        return given().get("/datasets/" + ds + "/samples")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("samples");
    }

    @Test
    void capturedInputsAreQueuedLeastConfidentFirstConfirmedInBulkAndSnapshotted() throws Exception {
        String ds = "al-" + UUID.randomUUID().toString().substring(0, 8);
        TestSupport.createDataset(ds, 3, "keep");
        // one ordinary unlabeled sample (no suggestion: queued last)
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(Map.of("features", List.of(9, 9, 9), "source", "manual"))))
                .post("/datasets/" + ds + "/samples")
                .then()
                .statusCode(201);
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "i-0", List.of(1f, 2f, 3f), "bearing", 0.2f));
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "i-1", List.of(2f, 3f, 4f), "normal", 0.6f));
        // a prediction the data set has no label for: queued by its confidence, without a suggestion
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "i-2", List.of(3f, 4f, 5f), "other", 0.4f));
        // the same inference again (another event id): still one sample
        byte[] again = SampleCaptured.parseFrom(captured(ds, "i-0", List.of(1f, 2f, 3f), "bearing", 0.2f)).toBuilder()
                .setMeta(Events.newMeta("monitoring-service", "again", ""))
                .build()
                .toByteArray();
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, again);
        TestSupport.await(
                "three captured samples",
                Duration.ofSeconds(30),
                () -> samples(ds).size() == 4);

        JsonPath q = queue(ds, "");
        assertEquals(Arrays.asList("i-0", "i-2", "i-1", null), q.getList("samples.inferenceId"));
        assertEquals(Arrays.asList("bearing", null, "normal", null), q.getList("samples.suggestedLabel"));
        assertEquals(0.2f, q.getFloat("samples[0].confidence"));
        assertEquals(MODEL, q.getString("samples[0].modelName"));
        assertEquals(3, q.getInt("samples[0].modelVersion"));
        assertEquals(DEVICE, q.getString("samples[0].deviceId"));
        assertEquals("capture:" + MODEL + "/3/" + DEVICE + "/i-0", q.getString("samples[0].source"));
        assertEquals(List.of(1f, 2f, 3f), q.getList("samples[0].features", Float.class));
        assertEquals("2026-12-01T10:00:00Z", q.getString("samples[0].inferredAt"));
        assertNull(q.get("next"));
        List<String> ids = q.getList("samples.id");

        // paged by the last sample of the previous page
        JsonPath first = queue(ds, "?limit=2");
        assertEquals(ids.subList(0, 2), first.getList("samples.id"));
        assertEquals(ids.get(1), first.getString("next"));
        assertEquals(
                ids.subList(2, 4), queue(ds, "?limit=2&after=" + ids.get(1)).getList("samples.id"));

        // i-2 has no suggestion to accept: all or nothing, naming the entry
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(ids.get(0), ids.get(1))))
                .post("/datasets/" + ds + "/labels/confirm")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("ids[1]"));
        // accept i-0's suggestion, override i-1's, label i-2 by hand
        JsonPath done = given().header("Authorization", TestAuth.bearer("labeler-7", Roles.DATA))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "samples",
                        List.of(
                                Map.of("id", ids.get(0)),
                                Map.of("id", ids.get(2), "label", "imbalance"),
                                Map.of("id", ids.get(1), "label", "normal"))))
                .post("/datasets/" + ds + "/labels/confirm")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(1, done.getInt("accepted"));
        assertEquals(2, done.getInt("overridden"));
        assertEquals(List.of(), done.getList("alreadyLabelled"));
        assertEquals(List.of(ids.get(3)), queue(ds, "").getList("samples.id"), "only the manual sample is left");
        JsonPath history = given().get("/datasets/" + ds + "/samples/" + ids.get(0) + "/labels")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of("labeler-7"), history.getList("changes.changedBy"));
        assertEquals(List.of("bearing"), history.getList("changes.newLabel"));
        // confirming again changes nothing and says so
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(ids.get(0))))
                .post("/datasets/" + ds + "/labels/confirm")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(0))
                .body("alreadyLabelled", equalTo(List.of(ids.get(0))));

        // the next snapshot holds the three confirmed samples with their labels, the manual one left out
        JsonPath snapshot = given().post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertEquals(1, snapshot.getInt("unlabeledCount"));
        String ndjson = given().get("/datasets/" + ds + "/snapshots/latest/export?format=ndjson")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertEquals(3, ndjson.lines().count());
        assertTrue(ndjson.contains("\"sampleId\":\"" + ids.get(0) + "\""), ndjson);
        assertTrue(ndjson.contains("\"label\":\"bearing\""), ndjson);
        assertTrue(ndjson.contains("\"label\":\"imbalance\""), ndjson);

        // ground truth for i-0 later: the same sample is relabelled (history names the device), no new sample
        TestSupport.produce(Topics.SAMPLE_LABELLED, ds, labelled(ds, "i-0", List.of(1f, 2f, 3f), "normal"));
        TestSupport.await(
                "i-0 relabelled by feedback",
                Duration.ofSeconds(30),
                () -> samples(ds).stream()
                        .anyMatch(s -> s.get("id").equals(ids.get(0)) && "normal".equals(s.get("label"))));
        assertEquals(4, samples(ds).size());
        assertEquals(
                List.of("labeler-7", "feedback:" + DEVICE),
                given().get("/datasets/" + ds + "/samples/" + ids.get(0) + "/labels")
                        .jsonPath()
                        .getList("changes.changedBy"));
    }

    @Test
    void feedbackLabelsACapturedSampleAndACaptureAfterFeedbackAddsNothing() throws Exception {
        String ds = "al-" + UUID.randomUUID().toString().substring(0, 8);
        TestSupport.createDataset(ds, 3, "keep");
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "f-0", List.of(1f, 1f, 2f), "normal", 0.3f));
        TestSupport.await(
                "the captured sample", Duration.ofSeconds(30), () -> samples(ds).size() == 1);
        String id = (String) samples(ds).get(0).get("id");
        TestSupport.produce(Topics.SAMPLE_LABELLED, ds, labelled(ds, "f-0", List.of(1f, 1f, 2f), "bearing"));
        TestSupport.await(
                "labelled by feedback",
                Duration.ofSeconds(30),
                () -> "bearing".equals(samples(ds).get(0).get("label")));
        assertEquals(1, samples(ds).size());
        assertEquals(id, samples(ds).get(0).get("id"), "the same sample");
        assertEquals(0, queue(ds, "").getList("samples").size());

        // ground truth first, capture later: one sample (the feedback one)
        TestSupport.produce(Topics.SAMPLE_LABELLED, ds, labelled(ds, "f-1", List.of(5f, 5f, 6f), "imbalance"));
        TestSupport.await(
                "the feedback sample", Duration.ofSeconds(30), () -> samples(ds).size() == 2);
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "f-1", List.of(5f, 5f, 6f), "normal", 0.3f));
        // a later capture on the same partition (key = data set) is handled after it: once it shows, f-1's has been
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "f-2", List.of(7f, 7f, 8f), "normal", 0.5f));
        TestSupport.await(
                "f-2 queued",
                Duration.ofSeconds(30),
                () -> queue(ds, "").getList("samples").size() == 1);
        assertEquals(3, samples(ds).size());
        assertEquals(List.of("f-2"), queue(ds, "").getList("samples.inferenceId"));
    }

    @Test
    void capturesThatDoNotFitAreDeadLetteredWithTheReasonAndBadQueriesNameTheField() throws Exception {
        String ds = "al-" + UUID.randomUUID().toString().substring(0, 8);
        TestSupport.createDataset(ds, 3, "keep");
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "p-0", List.of(1f, 2f), "normal", 0.3f));
        String none = ds + "-none";
        TestSupport.produce(Topics.SAMPLE_CAPTURED, none, captured(none, "p-1", List.of(1f, 2f, 3f), "normal", 0.3f));
        // the contract: a confidence that is no probability never reaches the handler
        byte[] bad = SampleCaptured.parseFrom(captured(ds, "p-2", List.of(1f, 2f, 3f), "normal", 0.3f)).toBuilder()
                .setConfidence(1.5f)
                .build()
                .toByteArray();
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, bad);
        List<ConsumerRecord<String, byte[]>> dead = TestSupport.consume(
                Topics.deadLetter(Topics.SAMPLE_CAPTURED),
                r -> r.key().equals(ds) || r.key().equals(none),
                seen -> seen.size() == 3,
                Duration.ofSeconds(30));
        List<String> reasons = dead.stream()
                .map(r ->
                        new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .toList();
        assertEquals(3, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(m -> m.contains("features")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(m -> m.contains(none)), reasons.toString());
        assertTrue(reasons.stream().anyMatch(m -> m.contains("confidence")), reasons.toString());
        assertEquals(0, samples(ds).size(), "nothing half-written");

        for (String[] c :
                List.of(new String[] {"?limit=0", "limit"}, new String[] {"?after=nope", "after"}, new String[] {
                    "?after=" + "x".repeat(65), "after"
                })) {
            given().get("/datasets/" + ds + "/queue" + c[0])
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo(c[1]));
        }
        given().get("/datasets/" + none + "/queue").then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of("a"), "samples", List.of()))
                .post("/datasets/" + ds + "/labels/confirm")
                .then()
                .statusCode(422);
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(Map.of("id", "0".repeat(64), "label", "normal"))))
                .post("/datasets/" + ds + "/labels/confirm")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("samples[0].id"));
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of()))
                .post("/datasets/" + ds + "/labels/confirm")
                .then()
                .statusCode(422);
        given().header("Authorization", TestAuth.bearer("viewer-1", Roles.VIEWER))
                .contentType(ContentType.JSON)
                .body(Map.of("ids", List.of("a")))
                .post("/datasets/" + ds + "/labels/confirm")
                .then()
                .statusCode(403);
    }

    @Test
    void capturedInputsGoThroughTheDataSetsOutlierCheck() throws Exception {
        String ds = "al-" + UUID.randomUUID().toString().substring(0, 8);
        TestSupport.createDataset(ds, 3, "keep");
        TestSupport.ingest(ds, TestSupport.generate(300, 3, 11), 300);
        // unlabeled, so judged against the whole data set (values ~ N(0..2, 1)): 500 is far out, 1.5 is not
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "o-0", List.of(500f, 1f, 1f), "normal", 0.3f));
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "o-1", List.of(1.5f, 1f, 1f), "normal", 0.3f));
        List<ConsumerRecord<String, byte[]>> dead = TestSupport.consume(
                Topics.deadLetter(Topics.SAMPLE_CAPTURED),
                r -> r.key().equals(ds),
                seen -> seen.size() == 1,
                Duration.ofSeconds(30));
        String reason = new String(
                dead.get(0).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("outlier") && reason.contains("of the data set"), reason);
        TestSupport.await(
                "o-1 queued",
                Duration.ofSeconds(30),
                () -> queue(ds, "").getList("samples").size() == 1);
        assertEquals(List.of("o-1"), queue(ds, "").getList("samples.inferenceId"));
        assertEquals(301, TestSupport.sampleCount(ds), "the outlier was not stored");

        // a data set that wants every capture, out of distribution or not, turns the check off
        given().contentType(ContentType.JSON)
                .body(Map.of("outliers", Map.of("mode", "off")))
                .put("/datasets/" + ds + "/settings")
                .then()
                .statusCode(200);
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "o-2", List.of(500f, 1f, 1f), "normal", 0.1f));
        TestSupport.await(
                "o-2 queued",
                Duration.ofSeconds(30),
                () -> queue(ds, "").getList("samples").size() == 2);
        assertEquals(List.of("o-2", "o-1"), queue(ds, "").getList("samples.inferenceId"));
    }
}
