package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** DriftDetected on Kafka cuts a snapshot; duplicates and unchanged data emit nothing; poison goes to the DLQ. */
@QuarkusTest
class DriftConsumerTest {
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

    private static DataReady parse(ConsumerRecord<String, byte[]> r) {
        try {
            return DataReady.parseFrom(r.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
