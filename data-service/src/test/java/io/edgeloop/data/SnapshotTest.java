package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.edgeloop.proto.events.v1.DataReady;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Snapshots: versions, deterministic splits and content hash, idempotent cuts, DataReady on Kafka. */
@QuarkusTest
class SnapshotTest {
    @GrpcClient("self")
    DatasetServiceGrpc.DatasetServiceBlockingStub grpc;

    private static JsonPath cut(String dataset, int status) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("trigger", "manual"))
                .post("/datasets/" + dataset + "/snapshots")
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    private static String expectedHash(TreeMap<String, String> splits) {
        StringBuilder sb = new StringBuilder();
        splits.forEach((id, split) -> sb.append(id).append(':').append(split).append('\n'));
        return Hashing.sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private TreeMap<String, String> streamedSplits(String dataset, int version) {
        TreeMap<String, String> out = new TreeMap<>();
        Iterator<SampleBatch> it = grpc.streamSnapshot(StreamSnapshotRequest.newBuilder()
                .setSnapshot(SnapshotRef.newBuilder().setDatasetName(dataset).setVersion(version))
                .build());
        it.forEachRemaining(b -> b.getSamplesList()
                .forEach(s -> out.put(s.getSampleId(), s.getSplit().name().toLowerCase())));
        return out;
    }

    /**
     * A small imbalanced data set (178 rows, classes 59/71/48 as the UCI wine set) is split per class within one
     * sample of 70/15/15, and the same rows get the same splits under another data set name, in another order.
     */
    @Test
    void splitsAreStratifiedAndIndependentOfTheDatasetName() {
        List<TestSupport.Gen> rows = new java.util.ArrayList<>();
        int[] perClass = {59, 71, 48};
        List<TestSupport.Gen> pool = TestSupport.generate(2000, 3, 11);
        for (int c = 0; c < 3; c++) {
            String label = TestSupport.LABELS.get(c);
            pool.stream()
                    .filter(g -> g.label().equals(label))
                    .limit(perClass[c])
                    .forEach(rows::add);
        }
        TestSupport.createDataset("wine-a", 3);
        TestSupport.createDataset("wine-b", 3);
        TestSupport.ingest("wine-a", rows, 178);
        List<TestSupport.Gen> reversed = new java.util.ArrayList<>(rows);
        java.util.Collections.reverse(reversed);
        TestSupport.ingest("wine-b", reversed, 178);
        cut("wine-a", 201);
        JsonPath b = cut("wine-b", 201);

        Map<String, String> a = byContent("wine-a", rows, streamedSplits("wine-a", 1));
        assertEquals(a, byContent("wine-b", rows, streamedSplits("wine-b", 1)), "same rows, same splits");
        for (int c = 0; c < 3; c++) {
            String label = TestSupport.LABELS.get(c);
            for (String split : List.of("train", "validation", "test")) {
                double target = perClass[c] * (split.equals("train") ? 0.70 : 0.15);
                long n = rows.stream()
                        .filter(g -> g.label().equals(label))
                        .filter(g -> split.equals(a.get(TestSupport.sampleId("", g.features(), g.label()))))
                        .count();
                assertTrue(Math.abs(n - target) < 1, label + " " + split + ": " + n + " for a target of " + target);
            }
        }
        assertEquals(178, b.getLong("trainCount") + b.getLong("validationCount") + b.getLong("testCount"));
        assertTrue(b.getLong("testCount") >= 26 && b.getLong("testCount") <= 28, "test " + b.getLong("testCount"));
        // too small a test split to measure on: the snapshot says so
        assertEquals(
                List.of("the test split has " + b.getLong("testCount")
                        + " samples (fewer than 30): test metrics are noisy"),
                b.getList("warnings"));
    }

    /** A snapshot exported as CSV imports into another data set unchanged; NDJSON carries the same rows. */
    @Test
    void aSnapshotExportsAndImportsBackUnchanged() throws Exception {
        TestSupport.createDataset("export-src", 3);
        TestSupport.ingest("export-src", TestSupport.generate(120, 3, 31), 120);
        cut("export-src", 201);
        String csv = given().get("/datasets/export-src/snapshots/1/export")
                .then()
                .statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .header("Content-Disposition", equalTo("attachment; filename=\"export-src-v1.csv\""))
                .extract()
                .asString();
        List<String> lines = csv.lines().toList();
        assertEquals("f0,f1,f2,label,split", lines.get(0));
        assertEquals(121, lines.size());

        TestSupport.createDataset("export-dst", 3);
        given().contentType("text/csv; charset=UTF-8")
                .body(csv)
                .post("/datasets/export-dst/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(120));
        cut("export-dst", 201);
        assertEquals(rows("export-src"), rows("export-dst"), "features and labels round-trip bit for bit");

        given().get("/datasets/export-src/snapshots/1/export?format=xml")
                .then()
                .statusCode(422)
                .body("errors.field", contains("format"));
        given().get("/datasets/export-src/snapshots/9/export").then().statusCode(404);
    }

    /** The (features, label) rows of a data set's first snapshot, from its NDJSON export, sorted. */
    private static List<String> rows(String dataset) throws Exception {
        String ndjson = given().get("/datasets/" + dataset + "/snapshots/1/export?format=ndjson")
                .then()
                .statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("application/x-ndjson"))
                .extract()
                .asString();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> out = new java.util.ArrayList<>();
        for (String line : ndjson.lines().toList()) {
            var node = mapper.readTree(line);
            out.add(node.get("features").toString() + " " + node.get("label").asText());
            assertTrue(
                    List.of("train", "validation", "test")
                            .contains(node.get("split").asText()),
                    line);
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Splits keyed by the data-set-independent content key of each row. */
    private static Map<String, String> byContent(
            String dataset, List<TestSupport.Gen> rows, TreeMap<String, String> splitsById) {
        Map<String, String> out = new TreeMap<>();
        for (TestSupport.Gen g : rows) {
            out.put(
                    TestSupport.sampleId("", g.features(), g.label()),
                    splitsById.get(TestSupport.sampleId(dataset, g.features(), g.label())));
        }
        return out;
    }

    @Test
    void snapshotsAreVersionedDeterministicAndAnnounced() {
        String ds = "snap-loop";
        TestSupport.createDataset(ds, 4);
        List<TestSupport.Gen> first = TestSupport.generate(300, 4, 1);
        TestSupport.ingest(ds, first, 300);
        TestSupport.StratifiedSplits splits = new TestSupport.StratifiedSplits();
        TreeMap<String, String> expected1 = splits.batch(ds, first);

        JsonPath v1 = cut(ds, 201);
        assertEquals(1, v1.getInt("version"));
        assertEquals(ds + "@v1", v1.getString("snapshotId"));
        assertEquals("manual", v1.getString("trigger"));
        assertEquals(4, v1.getInt("featureCount"));
        assertEquals(TestSupport.LABELS, v1.getList("labels"));
        assertEquals(expectedHash(expected1), v1.getString("contentHash"));
        assertEquals(count(expected1, "train"), v1.getLong("trainCount"));
        assertEquals(count(expected1, "validation"), v1.getLong("validationCount"));
        assertEquals(count(expected1, "test"), v1.getLong("testCount"));
        assertTrue(v1.getLong("trainCount") > 150 && v1.getLong("testCount") > 10, "a 70/15/15 split of 300");
        assertEquals(expected1, streamedSplits(ds, 1));
        assertEquals(List.of(), v1.getList("warnings"), "45 test samples, 15 per class");

        // nothing changed: the latest snapshot comes back, no new version
        JsonPath again = cut(ds, 200);
        assertEquals(1, again.getInt("version"));
        assertEquals(v1.getString("contentHash"), again.getString("contentHash"));
        assertEquals(v1.getString("correlationId"), again.getString("correlationId"));
        // re-ingesting the same samples changes nothing either
        TestSupport.ingest(ds, first.subList(0, 50), 0);
        cut(ds, 200);

        List<TestSupport.Gen> second = TestSupport.generate(100, 4, 2);
        TestSupport.ingest(ds, second, 100);
        JsonPath v2 = cut(ds, 201);
        assertEquals(2, v2.getInt("version"));
        assertNotEquals(v1.getString("correlationId"), v2.getString("correlationId"));
        TreeMap<String, String> expected2 = new TreeMap<>(expected1);
        expected2.putAll(splits.batch(ds, second));
        assertEquals(expectedHash(expected2), v2.getString("contentHash"));
        TreeMap<String, String> streamed2 = streamedSplits(ds, 2);
        assertEquals(400, streamed2.size());
        expected1.forEach((id, split) -> assertEquals(split, streamed2.get(id), "split of old sample " + id));
        // snapshot 1 is immutable
        assertEquals(expected1, streamedSplits(ds, 1));

        given().get("/datasets/" + ds + "/snapshots").then().statusCode(200).body("version", contains(1, 2));
        given().get("/datasets/" + ds + "/snapshots/1")
                .then()
                .statusCode(200)
                .body("contentHash", equalTo(v1.getString("contentHash")));
        given().get("/datasets/" + ds + "/snapshots/latest")
                .then()
                .statusCode(200)
                .body("version", equalTo(2));
        given().get("/datasets/" + ds + "/snapshots/3").then().statusCode(404);
        given().get("/datasets/" + ds + "/snapshots/x").then().statusCode(400);
        given().get("/datasets/" + ds)
                .then()
                .body("sampleCount", equalTo(400))
                .body("latestVersion", equalTo(2))
                .body("latestSnapshotId", equalTo(ds + "@v2"));

        // Two DataReady events, in order; the no-op cuts emitted nothing (they happened before v2's event).
        List<ConsumerRecord<String, byte[]>> records = TestSupport.consume(
                Topics.DATA_READY,
                r -> ds.equals(r.key()),
                seen -> seen.stream().anyMatch(r -> parse(r).getDatasetVersion() == 2),
                Duration.ofSeconds(30));
        assertEquals(2, records.size(), "DataReady records for " + ds);
        DataReady e1 = parse(records.get(0));
        DataReady e2 = parse(records.get(1));
        assertEquals(ds, e1.getDatasetName());
        assertEquals(1, e1.getDatasetVersion());
        assertEquals(ds + "@v1", e1.getSnapshotId());
        assertEquals(v1.getString("contentHash"), e1.getContentHash());
        assertEquals(4, e1.getFeatureCount());
        assertEquals(TestSupport.LABELS, e1.getClassLabelsList());
        assertEquals(v1.getLong("trainCount"), e1.getTrainCount());
        assertEquals(v1.getLong("validationCount"), e1.getValidationCount());
        assertEquals(v1.getLong("testCount"), e1.getTestCount());
        assertEquals("manual", e1.getTrigger());
        assertEquals(v1.getString("correlationId"), e1.getMeta().getCorrelationId());
        assertEquals("data-service", e1.getMeta().getProducer());
        assertEquals("", e1.getMeta().getCausationId());
        assertEquals(e1.getMeta().getEventId(), TestSupport.header(records.get(0), EventHeaders.EVENT_ID));
        assertEquals("edgeloop.events.v1.DataReady", TestSupport.header(records.get(0), EventHeaders.EVENT_TYPE));
        assertEquals(2, e2.getDatasetVersion());
        assertEquals(v2.getString("contentHash"), e2.getContentHash());
        assertEquals(400, e2.getTrainCount() + e2.getValidationCount() + e2.getTestCount());
        assertEquals(v2.getString("correlationId"), e2.getMeta().getCorrelationId());
    }

    @Test
    void aDatasetWithoutSamplesCannotBeSnapshotted() {
        TestSupport.createDataset("snap-empty", 2);
        given().post("/datasets/snap-empty/snapshots").then().statusCode(409).contentType("application/problem+json");
        given().get("/datasets/snap-empty/snapshots").then().statusCode(200).body("size()", equalTo(0));
        given().get("/datasets/snap-empty/snapshots/latest").then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body(Map.of("trigger", "Not A Trigger"))
                .post("/datasets/snap-empty/snapshots")
                .then()
                .statusCode(400);
    }

    private static long count(Map<String, String> splits, String split) {
        return splits.values().stream().filter(split::equals).count();
    }

    private static DataReady parse(ConsumerRecord<String, byte[]> r) {
        try {
            return DataReady.parseFrom(r.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
