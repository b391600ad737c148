package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.domain.PendingDrifts;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * DriftDetected on Kafka cuts a snapshot; duplicates emit nothing; a verdict before new data waits for it; poison goes
 * to the DLQ.
 */
@QuarkusTest
class DriftConsumerTest {
    @Inject
    PendingDrifts pendingDrifts;

    private static byte[] drift(String dataset, String eventId) {
        return DriftDetected.newBuilder()
                .setMeta(Events.newMeta("monitoring-service", "loop-1", "").toBuilder()
                        .setEventId(eventId))
                .setModelName(dataset)
                .setModelVersion(1)
                .setDatasetName(dataset)
                .setReferenceSnapshotId(dataset + "@v1")
                .setDriftScore(0.4)
                .setThreshold(0.2)
                .setMethod("ks")
                .build()
                .toByteArray();
    }

    private static List<Map<String, Object>> snapshots(String dataset) {
        return given().get("/datasets/" + dataset + "/snapshots")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
    }

    @Test
    void driftCutsOneNewSnapshotPerChange() throws Exception {
        String ds = "drift-a";
        TestSupport.createDataset(ds, 3);
        TestSupport.ingest(ds, TestSupport.generate(50, 3, 7), 50);
        JsonPath v1 = given().post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        TestSupport.ingest(ds, TestSupport.generate(20, 3, 8), 20);

        String eventId = "drift-event-1";
        TestSupport.produce(Topics.DRIFT_DETECTED, ds, drift(ds, eventId));
        TestSupport.await(
                "a drift snapshot of " + ds,
                Duration.ofSeconds(30),
                () -> snapshots(ds).size() == 2);
        Map<String, Object> v2 = snapshots(ds).get(1);
        assertEquals(2, v2.get("version"));
        assertEquals("drift", v2.get("trigger"));
        assertNotEquals(v1.getString("correlationId"), v2.get("correlationId"));

        List<ConsumerRecord<String, byte[]>> ready = TestSupport.consume(
                Topics.DATA_READY,
                r -> ds.equals(r.key()) && parse(r).getDatasetVersion() == 2,
                seen -> !seen.isEmpty(),
                Duration.ofSeconds(30));
        assertEquals(1, ready.size());
        DataReady event = parse(ready.get(0));
        assertEquals("drift", event.getTrigger());
        assertEquals(eventId, event.getMeta().getCausationId());
        assertEquals(v2.get("correlationId"), event.getMeta().getCorrelationId());
        assertEquals(70, event.getTrainCount() + event.getValidationCount() + event.getTestCount());

        // New data arrives. A redelivery of the processed event must not cut (Inbox dedupe); a new drift event does;
        // a further drift event without new data cuts nothing.
        TestSupport.ingest(ds, TestSupport.generate(10, 3, 10), 10);
        TestSupport.produce(Topics.DRIFT_DETECTED, ds, drift(ds, eventId));
        TestSupport.produce(Topics.DRIFT_DETECTED, ds, drift(ds, "drift-event-2"));
        TestSupport.produce(Topics.DRIFT_DETECTED, ds, drift(ds, "drift-event-3"));
        // a marker processed after all three (one partition, ordered consumer)
        String marker = "drift-marker";
        TestSupport.createDataset(marker, 3);
        TestSupport.ingest(marker, TestSupport.generate(5, 3, 9), 5);
        TestSupport.produce(Topics.DRIFT_DETECTED, marker, drift(marker, "drift-event-4"));
        TestSupport.await(
                "the marker's snapshot",
                Duration.ofSeconds(30),
                () -> snapshots(marker).size() == 1);
        List<Map<String, Object>> all = snapshots(ds);
        assertEquals(3, all.size(), "v1 manual, v2 by drift-event-1, v3 by drift-event-2");

        List<ConsumerRecord<String, byte[]>> v3 = TestSupport.consume(
                Topics.DATA_READY,
                r -> ds.equals(r.key()) && parse(r).getDatasetVersion() == 3,
                seen -> !seen.isEmpty(),
                Duration.ofSeconds(30));
        assertEquals(1, v3.size());
        assertEquals("drift-event-2", parse(v3.get(0)).getMeta().getCausationId());
        assertEquals(
                80,
                parse(v3.get(0)).getTrainCount()
                        + parse(v3.get(0)).getValidationCount()
                        + parse(v3.get(0)).getTestCount());
    }

    /**
     * A drift verdict that comes before the drifted devices' labelled data is kept pending, not dropped (monitoring says
     * it once per model version): checks find nothing new, then new data that is still arriving, then, once the data
     * set was quiet for the quiet period, cut the drift snapshot with the verdict as its cause.
     */
    @Test
    void aDriftBeforeItsDataWaitsForNewLabelledDataAndAQuietDataSet() throws Exception {
        String ds = "drift-early";
        TestSupport.createDataset(ds, 3);
        TestSupport.ingest(ds, TestSupport.generate(40, 3, 21), 40);
        given().post("/datasets/" + ds + "/snapshots").then().statusCode(201);
        given().get("/datasets/" + ds + "/drift")
                .then()
                .statusCode(200)
                .body("pending", org.hamcrest.Matchers.nullValue());

        TestSupport.produce(Topics.DRIFT_DETECTED, ds, drift(ds, "drift-early-1"));
        TestSupport.await(
                "the verdict kept pending",
                Duration.ofSeconds(30),
                () -> given().get("/datasets/" + ds + "/drift").jsonPath().getString("pending.eventId") != null);
        JsonPath pending = given().get("/datasets/" + ds + "/drift").jsonPath();
        assertEquals("drift-early-1", pending.getString("pending.eventId"));
        assertEquals(ds, pending.getString("pending.modelName"));
        assertEquals(1, snapshots(ds).size(), "nothing new: no snapshot yet");

        Instant quiet = Instant.now().plus(Duration.ofHours(1));
        assertEquals(PendingDrifts.Outcome.WAITING_FOR_DATA, outcome(quiet, ds), "no activity since the verdict");

        TestSupport.ingest(ds, TestSupport.generate(15, 3, 22), 15);
        Instant justAfter = Instant.now();
        assertEquals(PendingDrifts.Outcome.WAITING_FOR_QUIET, outcome(justAfter, ds), "data still arriving");
        assertEquals(1, snapshots(ds).size());

        assertEquals(PendingDrifts.Outcome.CUT, outcome(justAfter.plus(Duration.ofSeconds(31)), ds));
        List<Map<String, Object>> all = snapshots(ds);
        assertEquals(2, all.size());
        assertEquals("drift", all.get(1).get("trigger"));
        List<ConsumerRecord<String, byte[]>> ready = TestSupport.consume(
                Topics.DATA_READY,
                r -> ds.equals(r.key()) && parse(r).getDatasetVersion() == 2,
                seen -> !seen.isEmpty(),
                Duration.ofSeconds(30));
        assertEquals("drift-early-1", parse(ready.get(0)).getMeta().getCausationId());
        assertEquals(
                55,
                parse(ready.get(0)).getTrainCount()
                        + parse(ready.get(0)).getValidationCount()
                        + parse(ready.get(0)).getTestCount());
        given().get("/datasets/" + ds + "/drift")
                .then()
                .statusCode(200)
                .body("pending", org.hamcrest.Matchers.nullValue());
        assertEquals(null, outcome(quiet, ds), "done: nothing pending");
    }

    /** A snapshot cut by hand after new data satisfies a pending verdict: no second snapshot for it. */
    @Test
    void aSnapshotCutMeanwhileSatisfiesAPendingDrift() throws Exception {
        String ds = "drift-satisfied";
        TestSupport.createDataset(ds, 3);
        TestSupport.ingest(ds, TestSupport.generate(40, 3, 31), 40);
        given().post("/datasets/" + ds + "/snapshots").then().statusCode(201);
        TestSupport.produce(Topics.DRIFT_DETECTED, ds, drift(ds, "drift-satisfied-1"));
        TestSupport.await(
                "the verdict kept pending",
                Duration.ofSeconds(30),
                () -> given().get("/datasets/" + ds + "/drift").jsonPath().getString("pending.eventId") != null);
        TestSupport.ingest(ds, TestSupport.generate(10, 3, 32), 10);
        given().post("/datasets/" + ds + "/snapshots").then().statusCode(201);
        given().get("/datasets/" + ds + "/drift")
                .then()
                .statusCode(200)
                .body("pending", org.hamcrest.Matchers.nullValue());
        assertEquals(null, outcome(Instant.now().plus(Duration.ofHours(1)), ds));
        assertEquals(2, snapshots(ds).size());
        given().get("/datasets/no-such-set/drift").then().statusCode(404).contentType("application/problem+json");
    }

    private PendingDrifts.Outcome outcome(Instant now, String dataset) {
        return pendingDrifts.check(now).stream()
                .filter(c -> c.dataset().equals(dataset))
                .map(PendingDrifts.Checked::outcome)
                .findFirst()
                .orElse(null);
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopic() throws Exception {
        byte[] garbage = "this is not a protobuf event".getBytes(StandardCharsets.UTF_8);
        TestSupport.produce(Topics.DRIFT_DETECTED, "poison-key", garbage);
        // well-formed, but its dataset does not exist: it can never be processed either
        byte[] unknown = drift("drift-unknown-dataset", "drift-event-unknown");
        TestSupport.produce(Topics.DRIFT_DETECTED, "drift-unknown-dataset", unknown);

        List<ConsumerRecord<String, byte[]>> dead = TestSupport.consume(
                Topics.deadLetter(Topics.DRIFT_DETECTED),
                r -> "poison-key".equals(r.key()) || "drift-unknown-dataset".equals(r.key()),
                seen -> seen.size() == 2,
                Duration.ofSeconds(30));
        assertEquals(2, dead.size());
        ConsumerRecord<String, byte[]> poison = dead.stream()
                .filter(r -> r.key().equals("poison-key"))
                .findFirst()
                .orElseThrow();
        assertArrayEquals(garbage, poison.value());
        given().get("/datasets/drift-unknown-dataset").then().statusCode(404);
    }

    /**
     * The ops API lists this service's dead letters and replays one through the consumer: a DriftDetected for a
     * dataset that did not exist yet is refused (422) until the dataset exists, then applied once however often it
     * is replayed.
     */
    @Test
    void aDeadLetterIsListedAndItsReplayIsAppliedOnce() throws Exception {
        String ds = "drift-late-dataset";
        String eventId = "drift-event-late";
        TestSupport.produce(Topics.DRIFT_DETECTED, ds, drift(ds, eventId));
        TestSupport.produce(Topics.DRIFT_DETECTED, "late-poison", "not an event".getBytes(StandardCharsets.UTF_8));
        TestSupport.await(
                "both records in the dead-letter topic",
                Duration.ofSeconds(30),
                () -> deadLetters().stream()
                                .filter(d -> eventId.equals(d.get("eventId")) || "late-poison".equals(d.get("key")))
                                .count()
                        == 2);
        Map<String, Object> late = deadLetter(d -> eventId.equals(d.get("eventId")));
        assertEquals("drift-detected-dlq", late.get("topic"));
        assertEquals(DriftDetected.getDescriptor().getFullName(), late.get("eventType"));
        assertEquals(false, late.get("processed"));
        assertEquals(false, late.get("replayable"), "an unknown dataset is classified as poison");
        assertTrue(((String) late.get("reason")).contains(ds), late.toString());
        assertTrue(((String) late.get("original")).startsWith("drift-detected/"), late.toString());
        Map<String, Object> poison = deadLetter(d -> "late-poison".equals(d.get("key")));
        assertEquals("", poison.get("eventId"));

        String replay =
                "/ops/dead-letters/drift-detected-dlq/" + late.get("partition") + "/" + late.get("offset") + "/replay";
        given().post(replay).then().statusCode(422).contentType("application/problem+json");
        TestSupport.createDataset(ds, 3);
        TestSupport.ingest(ds, TestSupport.generate(30, 3, 11), 30);

        given().post(replay).then().statusCode(200).body("applied", is(true)).body("eventId", is(eventId));
        assertEquals(1, snapshots(ds).size());
        assertEquals("drift", snapshots(ds).get(0).get("trigger"));
        given().post(replay).then().statusCode(200).body("applied", is(false));
        assertEquals(1, snapshots(ds).size(), "a second replay is deduplicated by the inbox");
        assertEquals(true, deadLetter(d -> eventId.equals(d.get("eventId"))).get("processed"));

        given().post("/ops/dead-letters/drift-detected-dlq/" + poison.get("partition") + "/" + poison.get("offset")
                        + "/replay")
                .then()
                .statusCode(422);
        given().post("/ops/dead-letters/model-trained-dlq/0/0/replay").then().statusCode(404);
        given().post("/ops/dead-letters/drift-detected-dlq/0/999999/replay")
                .then()
                .statusCode(404);
        given().header("Authorization", TestAuth.bearer("carol", Roles.VIEWER))
                .get("/ops/dead-letters")
                .then()
                .statusCode(403);
    }

    private static List<Map<String, Object>> deadLetters() {
        return given().get("/ops/dead-letters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
    }

    private static Map<String, Object> deadLetter(java.util.function.Predicate<Map<String, Object>> which) {
        return deadLetters().stream().filter(which).findFirst().orElseThrow();
    }

    private static DataReady parse(ConsumerRecord<String, byte[]> r) {
        try {
            return DataReady.parseFrom(r.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
