package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unlabeled samples, labeling with history, data-set export and soft deletion (samples and data sets). */
@QuarkusTest
class CurationTest {
    @GrpcClient("self")
    DatasetServiceGrpc.DatasetServiceBlockingStub grpc;

    private static Map<String, Object> unlabeled(double... features) {
        Map<String, Object> m = new HashMap<>();
        m.put("features", Arrays.stream(features).boxed().toList());
        return m;
    }

    private static void ingestRaw(String ds, List<Map<String, Object>> samples, int accepted) {
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", samples))
                .post("/datasets/" + ds + "/samples")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(201)
                .body("accepted", equalTo(accepted));
    }

    private static JsonPath list(String ds, String labeled) {
        var request = given().queryParam("limit", 1000);
        if (labeled != null) {
            request.queryParam("labeled", labeled);
        }
        return request.get("/datasets/" + ds + "/samples")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static JsonPath cut(String ds, int status) {
        return given().post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    private static String export(String path) {
        return given().get(path).then().statusCode(200).extract().asString();
    }

    @Test
    void unlabeledSamplesWaitOutsideSnapshotsUntilLabeledAndEveryChangeIsRecorded() {
        String ds = "cur-label";
        TestSupport.createDataset(ds, 3, "keep");
        List<Map<String, Object>> samples = new ArrayList<>();
        TestSupport.generate(6, 3, 7).forEach(g -> samples.add(g.json("t")));
        samples.add(unlabeled(1, 2, 3));
        Map<String, Object> nullLabel = unlabeled(4, 5, 6);
        nullLabel.put("label", null);
        samples.add(nullLabel);
        Map<String, Object> emptyLabel = unlabeled(7, 8, 9);
        emptyLabel.put("label", "");
        samples.add(emptyLabel);
        ingestRaw(ds, samples, 9);
        assertEquals(9, TestSupport.sampleCount(ds));
        List<String> open = list(ds, "false").getList("samples.id");
        assertEquals(3, open.size());
        assertEquals(6, list(ds, "true").getList("samples").size());
        assertEquals(Arrays.asList(null, null, null), list(ds, "false").getList("samples.split"));

        JsonPath v1 = cut(ds, 201);
        assertEquals(6, v1.getLong("trainCount") + v1.getLong("validationCount") + v1.getLong("testCount"));
        assertEquals(3, v1.getLong("unlabeledCount"));
        String v1Csv = export("/datasets/" + ds + "/snapshots/1/export");

        // first label: split assigned; the same label again changes nothing; a relabel keeps the split
        String id = open.get(0);
        given().contentType(ContentType.JSON)
                .body(Map.of("label", "normal"))
                .put("/datasets/" + ds + "/samples/" + id + "/label")
                .then()
                .statusCode(200)
                .body("previousLabel", nullValue())
                .body("label", equalTo("normal"))
                .body("changed", equalTo(true));
        given().contentType(ContentType.JSON)
                .body(Map.of("label", "normal"))
                .put("/datasets/" + ds + "/samples/" + id + "/label")
                .then()
                .statusCode(200)
                .body("changed", equalTo(false));
        given().header("Authorization", TestAuth.bearer("labeler-1", Roles.DATA))
                .contentType(ContentType.JSON)
                .body(Map.of("label", "bearing"))
                .put("/datasets/" + ds + "/samples/" + id + "/label")
                .then()
                .statusCode(200)
                .body("previousLabel", equalTo("normal"));
        JsonPath history = given().get("/datasets/" + ds + "/samples/" + id + "/labels")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(Arrays.asList(null, "normal"), history.getList("changes.oldLabel"));
        assertEquals(List.of("normal", "bearing"), history.getList("changes.newLabel"));
        assertEquals(List.of(TestAuth.ADMIN_SUBJECT, "labeler-1"), history.getList("changes.changedBy"));
        assertEquals(2, history.getList("changes.changedAt").size());

        // bulk, all or nothing: one unknown id, one duplicate and an unknown label -> 422 naming each, nothing changed
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(open.get(1), "f".repeat(64), open.get(1)), "label", "nope"))
                .post("/datasets/" + ds + "/labels")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("ids[2]", "label", "ids[1]")));
        assertEquals(2, list(ds, "false").getList("samples").size());
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "labels",
                        List.of(
                                Map.of("id", open.get(1), "label", "imbalance"),
                                Map.of("id", open.get(2), "label", "normal"))))
                .post("/datasets/" + ds + "/labels")
                .then()
                .statusCode(200)
                .body("changed", equalTo(2))
                .body("unchanged", equalTo(0));
        assertEquals(0, list(ds, "false").getList("samples").size());

        JsonPath v2 = cut(ds, 201);
        assertEquals(9, v2.getLong("trainCount") + v2.getLong("validationCount") + v2.getLong("testCount"));
        assertEquals(0, v2.getLong("unlabeledCount"));

        // relabelling a member of v1 and v2: a new snapshot (content changed); v1 still serves what it served
        String member = list(ds, "true").getString("samples.find { it.label == 'normal' }.id");
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(member), "label", "imbalance"))
                .post("/datasets/" + ds + "/labels")
                .then()
                .statusCode(200)
                .body("changed", equalTo(1));
        JsonPath v3 = cut(ds, 201);
        assertNotEquals(v2.getString("contentHash"), v3.getString("contentHash"));
        assertEquals(v1Csv, export("/datasets/" + ds + "/snapshots/1/export"));
    }

    @Test
    void aDataSetExportIncludesUnlabeledSamplesAndRoundTrips() {
        String a = "cur-export-a";
        String b = "cur-export-b";
        TestSupport.createDataset(a, 3, "keep");
        TestSupport.createDataset(b, 3, "keep");
        List<Map<String, Object>> samples = new ArrayList<>();
        TestSupport.generate(20, 3, 11).forEach(g -> samples.add(g.json("t")));
        samples.add(unlabeled(0.1, -0.0, (double) Float.MAX_VALUE));
        samples.add(unlabeled(1e-45, 2.5, -7));
        samples.add(unlabeled(0.1, -0.0, (double) Float.MAX_VALUE)); // the same reading twice is two samples (keep)
        ingestRaw(a, samples, 23);
        List<String> ids = list(a, "true").getList("samples.id");
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", ids.subList(0, 2)))
                .post("/datasets/" + a + "/samples/delete")
                .then()
                .statusCode(200)
                .body("deleted", equalTo(2));

        String csv = export("/datasets/" + a + "/export");
        List<String> lines = csv.lines().toList();
        assertEquals("f0,f1,f2,label,split", lines.get(0));
        assertEquals(22, lines.size()); // header + 21 live samples
        assertEquals(3, lines.stream().filter(l -> l.endsWith(",,")).count());
        String ndjson = export("/datasets/" + a + "/export?format=ndjson");
        assertEquals(21, ndjson.lines().count());
        assertEquals(3, ndjson.lines().filter(l -> l.contains("\"label\":null")).count());

        given().contentType("text/csv")
                .body(csv)
                .post("/datasets/" + b + "/samples/csv")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(201)
                .body("accepted", equalTo(21))
                .body("rejected", equalTo(0));
        assertEquals(contents(csv), contents(export("/datasets/" + b + "/export")));
        assertEquals(3, list(b, "false").getList("samples").size());
    }

    /** The rows of a CSV export without the split column (splits are assigned again at import), sorted. */
    private static List<String> contents(String csv) {
        return csv.lines()
                .skip(1)
                .map(l -> l.substring(0, l.lastIndexOf(',')))
                .sorted()
                .toList();
    }

    @Test
    void deletionHidesSamplesAndDataSetsButSnapshotsStayReproducible() {
        String ds = "cur-delete";
        TestSupport.createDataset(ds, 3, "keep");
        TestSupport.ingest(ds, TestSupport.generate(30, 3, 5), 30);
        cut(ds, 201);
        String v1 = export("/datasets/" + ds + "/snapshots/1/export?format=ndjson");
        List<String> ids = list(ds, null).getList("samples.id");
        // pages: ordered by id, next = the last id of a full page
        JsonPath first = given().queryParam("limit", 20)
                .get("/datasets/" + ds + "/samples")
                .then()
                .extract()
                .jsonPath();
        assertEquals(ids.subList(0, 20), first.getList("samples.id"));
        JsonPath second = given().queryParam("limit", 20)
                .queryParam("after", first.getString("next"))
                .get("/datasets/" + ds + "/samples")
                .then()
                .extract()
                .jsonPath();
        assertEquals(ids.subList(20, 30), second.getList("samples.id"));
        assertNull(second.getString("next"));

        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(ids.get(0), "0".repeat(64))))
                .post("/datasets/" + ds + "/samples/delete")
                .then()
                .statusCode(422)
                .body("errors.field", equalTo(List.of("ids[1]")));
        assertEquals(30, TestSupport.sampleCount(ds));
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", ids.subList(0, 3)))
                .post("/datasets/" + ds + "/samples/delete")
                .then()
                .statusCode(200)
                .body("deleted", equalTo(3));
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(ids.get(0))))
                .post("/datasets/" + ds + "/samples/delete")
                .then()
                .statusCode(422); // already deleted
        assertEquals(27, TestSupport.sampleCount(ds));
        assertFalse(list(ds, null).getList("samples.id").contains(ids.get(0)));
        assertEquals(v1, export("/datasets/" + ds + "/snapshots/1/export?format=ndjson"));
        JsonPath v2 = cut(ds, 201);
        assertEquals(27, v2.getLong("trainCount") + v2.getLong("validationCount") + v2.getLong("testCount"));

        given().header("Authorization", TestAuth.bearer("curator", Roles.DATA))
                .delete("/datasets/" + ds)
                .then()
                .statusCode(403);
        given().delete("/datasets/" + ds).then().statusCode(204);
        given().delete("/datasets/" + ds).then().statusCode(404);
        given().get("/datasets/" + ds).then().statusCode(404);
        assertFalse(given().get("/datasets").jsonPath().getList("name").contains(ds));
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(Map.of("features", List.of(1, 2, 3), "label", "normal"))))
                .post("/datasets/" + ds + "/samples")
                .then()
                .statusCode(404);
        given().post("/datasets/" + ds + "/snapshots").then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body(Map.of("featureNames", List.of("f0", "f1", "f2"), "labels", TestSupport.LABELS))
                .put("/datasets/" + ds)
                .then()
                .statusCode(409);
        // its snapshots stay readable: REST and the gRPC stream training reads
        given().get("/datasets/" + ds + "/snapshots").then().statusCode(200).body("$", hasSize(2));
        assertEquals(v1, export("/datasets/" + ds + "/snapshots/1/export?format=ndjson"));
        SnapshotRef ref =
                SnapshotRef.newBuilder().setDatasetName(ds).setVersion(1).build();
        assertEquals(
                30,
                grpc.getSnapshot(ref).getTrainCount()
                        + grpc.getSnapshot(ref).getValidationCount()
                        + grpc.getSnapshot(ref).getTestCount());
        int[] streamed = {0};
        grpc.streamSnapshot(StreamSnapshotRequest.newBuilder().setSnapshot(ref).build())
                .forEachRemaining(batch -> streamed[0] += batch.getSamplesCount());
        assertEquals(30, streamed[0]);
    }

    @Test
    void badCurationInputIsA4xxNamingTheField() {
        String ds = "cur-bad";
        TestSupport.createDataset(ds, 2, "keep");
        given().queryParam("limit", 0)
                .get("/datasets/" + ds + "/samples")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("limit"));
        given().queryParam("limit", "abc")
                .get("/datasets/" + ds + "/samples")
                .then()
                .statusCode(400);
        given().queryParam("labeled", "maybe")
                .get("/datasets/" + ds + "/samples")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("labeled"));
        given().queryParam("format", "xml")
                .get("/datasets/" + ds + "/export")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("format"));
        given().get("/datasets/cur-none/export").then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of("x"), "labels", List.of()))
                .post("/datasets/" + ds + "/labels")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("labels"));
        given().contentType(ContentType.JSON)
                .body(Map.of("labels", Arrays.asList(Map.of("id", "a"), null)))
                .post("/datasets/" + ds + "/labels")
                .then()
                .statusCode(422)
                .body(
                        "errors.field",
                        equalTo(List.of("labels[1].id", "labels[0].label", "labels[1].label", "labels[0].id")));
        given().contentType(ContentType.JSON)
                .body(Map.of("label", "normal"))
                .put("/datasets/" + ds + "/samples/" + "a".repeat(64) + "/label")
                .then()
                .statusCode(404);
        given().get("/datasets/" + ds + "/samples/" + "a".repeat(64) + "/labels")
                .then()
                .statusCode(404);
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/datasets/" + ds + "/samples/delete")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("ids"));
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of()))
                .post("/datasets/" + ds + "/samples/delete")
                .then()
                .statusCode(422);
        JsonPath page = given().get("/datasets/" + ds + "/samples")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(0, page.getList("samples").size());
        assertNull(page.getString("next"));
    }
}
