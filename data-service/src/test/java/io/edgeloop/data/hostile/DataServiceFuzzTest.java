package io.edgeloop.data.hostile;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A bounded fuzz test over every REST endpoint and every DatasetService RPC of data-service, on loopback against the
 * real PostgreSQL: NUL and control characters, 100 KB strings, wrong JSON types, fractional and huge numbers,
 * malformed and duplicate-key bodies. Never a 5xx, INTERNAL or UNKNOWN, never SQL or a class name in an answer, and
 * nothing stored after an error.
 */
@QuarkusTest
class DataServiceFuzzTest {
    private static final String DS = "fuzz-base";
    private static final String[] LEAKS = {
        "insert into", "select ", "SQL", "org.hibernate", "java.", "Exception", "io.edgeloop", "postgres"
    };
    private static final String BIG = "x".repeat(100_000);
    /** JSON string literals (already quoted and escaped) that must be refused wherever a string goes. */
    private static final List<String> BAD_STRINGS =
            List.of("\"a\\u0000b\"", "\"\\u0001\"", "\"\\ud800\"", "\"" + BIG + "\"", "5", "1.7", "true", "{}");
    /** Path segments (raw, URL-encoded as sent). */
    private static final List<String> BAD_SEGMENTS = List.of(
            "a%00b", "%01", "%C0%80", "%FF%FE", "..%2F..", "x".repeat(2_000), "a%0Ab", "%27%3B%20drop%20table%20x");

    @GrpcClient("self")
    DatasetServiceGrpc.DatasetServiceBlockingStub grpc;

    private record Case(String name, Supplier<Response> send) {}

    private static RequestSpecification raw() {
        return given().urlEncodingEnabled(false);
    }

    private static RequestSpecification json(String body) {
        return given().urlEncodingEnabled(false).contentType("application/json").body(body);
    }

    private static String schema(String featureNames, String labels, String extra) {
        return "{\"featureNames\":" + featureNames + ",\"labels\":" + labels + extra + "}";
    }

    private static String sample(String features, String label, String source) {
        return "{\"samples\":[{\"features\":" + features + ",\"label\":" + label + ",\"source\":" + source + "}]}";
    }

    @Test
    void hostileRestInputIsAlwaysA4xxWithoutInternalsAndStoresNothing() {
        setUp();
        long samplesBefore = sampleCount();
        int snapshotsBefore = snapshotCount();
        List<String> datasetsBefore = datasetNames();

        List<Case> cases = new ArrayList<>();
        // path parameters on every endpoint
        for (String seg : BAD_SEGMENTS) {
            String path = "/datasets/" + seg;
            String validSchema = schema("[\"a\",\"b\"]", "[\"x\",\"y\"]", "");
            cases.add(new Case("GET " + path, () -> raw().get(path)));
            cases.add(new Case("PUT " + path, () -> json(validSchema).put(path)));
            cases.add(new Case(
                    "POST samples " + path,
                    () -> json(sample("[1,2]", "\"x\"", "\"s\"")).post(path + "/samples")));
            cases.add(new Case(
                    "POST csv " + path,
                    () -> raw().contentType("text/csv")
                            .body("a,b,label\n1,2,x\n")
                            .post(path + "/samples/csv")));
            cases.add(new Case("POST snapshots " + path, () -> raw().post(path + "/snapshots")));
            cases.add(new Case("GET snapshots " + path, () -> raw().get(path + "/snapshots")));
            cases.add(new Case("GET snapshot " + path, () -> raw().get(path + "/snapshots/1")));
            cases.add(
                    new Case("GET snapshot version " + seg, () -> raw().get("/datasets/" + DS + "/snapshots/" + seg)));
        }
        for (String v : List.of("1.7", "99999999999999999999", "-1", "1e3", "0x10", "NaN", "%00")) {
            cases.add(new Case("GET version " + v, () -> raw().get("/datasets/" + DS + "/snapshots/" + v)));
        }
        cases.add(new Case("GET list with NUL query", () -> raw().get("/datasets?x=%00")));
        // PUT /datasets/{name}: a new dataset with hostile schemas
        String fresh = "/datasets/fuzz-new";
        for (String bad : BAD_STRINGS) {
            cases.add(new Case(
                    "PUT featureNames " + cut(bad),
                    () -> json(schema("[\"a\"," + bad + "]", "[\"x\"]", "")).put(fresh)));
            cases.add(new Case(
                    "PUT labels " + cut(bad),
                    () -> json(schema("[\"a\"]", "[" + bad + "]", "")).put(fresh)));
            cases.add(new Case(
                    "PUT dataKind " + cut(bad),
                    () -> json(schema("[\"a\"]", "[\"x\"]", ",\"dataKind\":" + bad))
                            .put(fresh)));
        }
        for (String shape : List.of(
                "[1.7]",
                "[1e30]",
                "[99999999999999999999]",
                "[-1]",
                "[0]",
                "\"x\"",
                "[\"1\"]",
                "[2147483647,2147483647]",
                "{}")) {
            cases.add(new Case(
                    "PUT sampleShape " + shape,
                    () -> json(schema("[\"a\"]", "[\"x\"]", ",\"sampleShape\":" + shape))
                            .put(fresh)));
        }
        for (String body : malformed()) {
            cases.add(new Case("PUT malformed " + cut(body), () -> json(body).put(fresh)));
            cases.add(new Case(
                    "POST samples malformed " + cut(body), () -> json(body).post("/datasets/" + DS + "/samples")));
            if (!body.equals("null")) { // a null request is a manual cut
                cases.add(new Case(
                        "POST snapshots malformed " + cut(body),
                        () -> json(body).post("/datasets/" + DS + "/snapshots")));
            }
        }
        cases.add(new Case(
                "PUT duplicate key",
                () -> json("{\"featureNames\":[\"a\"],\"labels\":[\"x\"],\"labels\":[\"y\"]}")
                        .put(fresh)));
        cases.add(new Case(
                "PUT wrong types",
                () -> json("{\"featureNames\":5,\"labels\":\"x\"}").put(fresh)));
        cases.add(new Case(
                "PUT text/plain",
                () -> raw().contentType("text/plain")
                        .body(schema("[\"a\"]", "[\"x\"]", ""))
                        .put(fresh)));
        // POST /datasets/{name}/samples on an existing dataset
        String samples = "/datasets/" + DS + "/samples";
        for (String bad : BAD_STRINGS) {
            cases.add(new Case(
                    "samples label " + cut(bad),
                    () -> json(sample("[1,2]", bad, "\"s\"")).post(samples)));
            cases.add(new Case(
                    "samples source " + cut(bad),
                    () -> json(sample("[1,2]", "\"x\"", bad)).post(samples)));
            if (bad.startsWith("\"")) { // numbers are features
                cases.add(new Case(
                        "samples feature " + cut(bad),
                        () -> json(sample("[1," + bad + "]", "\"x\"", "\"s\"")).post(samples)));
            }
        }
        for (String features : List.of(
                "[1e400,2]",
                "[1e309,1]",
                "\"abc\"",
                "[1]",
                "[1,2,3]",
                "{}",
                "[[1],[2]]",
                "[null,1]",
                "[NaN,1]",
                "[-Infinity,1]")) {
            cases.add(new Case(
                    "samples features " + features,
                    () -> json(sample(features, "\"x\"", "\"s\"")).post(samples)));
        }
        for (String body : List.of(
                "{\"samples\":{}}",
                "{\"samples\":[1]}",
                "{\"samples\":[[]]}",
                "{\"samples\":[\"x\"]}",
                "{\"samples\":[null]}",
                "{\"samples\":5}",
                "{\"samples\":[{\"features\":[1,2],\"label\":\"x\"," + "\"label\":\"y\"}]}",
                "{\"samples\":[{\"features\":[1,2],\"label\":\"no-such-label\"}]}")) {
            cases.add(new Case("samples body " + cut(body), () -> json(body).post(samples)));
        }
        cases.add(new Case(
                "samples text/plain",
                () -> raw().contentType("text/plain")
                        .body(sample("[1,2]", "\"x\"", "\"s\""))
                        .post(samples)));
        // POST /datasets/{name}/samples/csv
        String csv = samples + "/csv";
        for (String body : List.of(
                "f0,f1,label\n1,2,x\u0000\n",
                "f0,f1,label\n1,2," + BIG + "\n",
                "f0,f1,label\n1,2\u0001,x\n",
                "f0,f1,label\n1e400,2,x\n",
                "f0\u0000,f1,label\n1,2,x\n",
                "f0,f1,label,source\n1,2,x," + BIG + "\n",
                "\"unterminated\n",
                "\u0000\u0000\u0000",
                "")) {
            cases.add(new Case(
                    "csv " + cut(body),
                    () -> raw().contentType("text/csv").body(body).post(csv)));
        }
        // POST /datasets/{name}/snapshots with hostile request bodies
        String snapshots = "/datasets/" + DS + "/snapshots";
        for (String bad : BAD_STRINGS) {
            cases.add(new Case(
                    "snapshot trigger " + cut(bad),
                    () -> json("{\"trigger\":" + bad + "}").post(snapshots)));
            cases.add(new Case(
                    "snapshot architecture " + cut(bad),
                    () -> json("{\"trainingSpec\":{\"architecture\":" + bad + "}}")
                            .post(snapshots)));
        }
        for (String spec : List.of(
                "{\"epochs\":1.7}",
                "{\"epochs\":1e30}",
                "{\"epochs\":99999999999999999999}",
                "{\"epochs\":\"5\"}",
                "{\"epochs\":-1}",
                "\"x\"",
                "[1]",
                "{\"learningRate\":1e400}",
                "{\"no\\u0000such\":1}",
                "{\"distillationTemperature\":1e308}")) {
            cases.add(new Case(
                    "snapshot spec " + cut(spec),
                    () -> json("{\"trainingSpec\":" + spec + "}").post(snapshots)));
        }

        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Response r = c.send().get();
            String body = r.asString();
            if (r.statusCode() >= 500) {
                failures.add(c.name() + " -> " + r.statusCode() + " " + cut(body));
            } else if (r.statusCode() < 400) {
                failures.add(c.name() + " -> accepted with " + r.statusCode() + " " + cut(body));
            }
            for (String leak : LEAKS) {
                if (body.contains(leak)) {
                    failures.add(c.name() + " -> leaks '" + leak + "': " + cut(body));
                }
            }
            if (r.statusCode() >= 400 && r.statusCode() != 414 && r.statusCode() != 431 && !body.isEmpty()) {
                if (!String.valueOf(r.contentType()).startsWith("application/problem+json")) {
                    failures.add(c.name() + " -> " + r.statusCode() + " not problem+json: " + r.contentType());
                }
            }
        }
        assertTrue(
                failures.isEmpty(),
                () -> failures.size() + " of " + cases.size() + " cases failed:\n" + String.join("\n", failures));
        assertEquals(samplesBefore, sampleCount(), "samples stored after an error");
        assertEquals(snapshotsBefore, snapshotCount(), "snapshot cut after an error");
        assertEquals(datasetsBefore, datasetNames(), "dataset created after an error");
    }

    @Test
    void hostileGrpcInputIsNeverInternalOrUnknown() {
        setUp();
        List<String> failures = new ArrayList<>();
        List<SnapshotRef> refs = new ArrayList<>();
        for (String name :
                List.of("a\u0000b", "\u0001", BIG, "", " ", "../..", "x'; drop table x; --", "\ud800", DS + "\u0000")) {
            for (int version : new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                refs.add(SnapshotRef.newBuilder()
                        .setDatasetName(name)
                        .setVersion(version)
                        .build());
            }
        }
        for (int version : new int[] {-1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            refs.add(SnapshotRef.newBuilder()
                    .setDatasetName(DS)
                    .setVersion(version)
                    .build());
        }
        for (SnapshotRef ref : refs) {
            check(failures, "GetSnapshot " + cut(ref.toString()), () -> grpc.getSnapshot(ref));
            for (int batch : new int[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                StreamSnapshotRequest request = StreamSnapshotRequest.newBuilder()
                        .setSnapshot(ref)
                        .setBatchSize(batch)
                        .addSplitsValue(batch == 1 ? 999 : 0)
                        .build();
                check(
                        failures,
                        "StreamSnapshot " + batch + " " + cut(ref.toString()),
                        () -> grpc.streamSnapshot(request).forEachRemaining(b -> {}));
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    private static void check(List<String> failures, String name, Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
                failures.add(name + " -> " + e.getStatus());
            }
            String description = String.valueOf(e.getStatus().getDescription());
            for (String leak : LEAKS) {
                if (description.contains(leak)) {
                    failures.add(name + " -> leaks '" + leak + "': " + cut(description));
                }
            }
        }
    }

    /** Malformed bodies; nesting stays moderate because rest-assured pretty-prints every request it sends. */
    private static List<String> malformed() {
        return List.of(
                "{",
                "[",
                "{\"a\":}",
                "nul",
                "\"\\u0000\"",
                "{\"a\":1}}",
                "\u0000",
                "{\"a\":\"\u0000\"}",
                "[" + "[".repeat(1_200),
                "{\"a\":01}",
                "{'a':1}",
                "{\"a\":1,}",
                "\"" + BIG + "\"",
                "12",
                "null",
                "{\"trigger\":\"\\ud800\"}");
    }

    private static String cut(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 120 ? printable.substring(0, 120) + "…" : printable;
    }

    private static boolean ready;

    private static void setUp() {
        if (ready) {
            return;
        }
        given().contentType("application/json")
                .body(schema("[\"f0\",\"f1\"]", "[\"x\",\"y\"]", ""))
                .put("/datasets/" + DS)
                .then()
                .statusCode(201);
        given().contentType("application/json")
                .body("{\"samples\":[{\"features\":[1,2],\"label\":\"x\"},{\"features\":[3,4],\"label\":\"y\"}]}")
                .post("/datasets/" + DS + "/samples")
                .then()
                .statusCode(201);
        given().post("/datasets/" + DS + "/snapshots").then().statusCode(201);
        ready = true;
    }

    private static long sampleCount() {
        return given().get("/datasets/" + DS)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("sampleCount");
    }

    private static int snapshotCount() {
        return given().get("/datasets/" + DS + "/snapshots")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$")
                .size();
    }

    private static List<String> datasetNames() {
        return given().get("/datasets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("name");
    }
}
