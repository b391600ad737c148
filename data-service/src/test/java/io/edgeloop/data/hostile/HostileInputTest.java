package io.edgeloop.data.hostile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** The shared hostile-input policy of web-kit, exercised through this app: REST errors, strict JSON, gRPC guard. */
@QuarkusTest
class HostileInputTest {
    static final String[] LEAKS = {
        "insert into", "select ", "SQL", "org.hibernate", "java.", "Exception", "io.edgeloop", "secret"
    };

    @GrpcClient("self")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @GrpcClient("self")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    static void assertNoLeak(String text) {
        for (String leak : LEAKS) {
            assertFalse(text.contains(leak), () -> "'" + leak + "' leaked in: " + text);
        }
    }

    @Test
    void unexpectedExceptionsAre500WithAnErrorIdAndNoInternals() {
        for (String path : new String[] {"/test-hostile/boom", "/test-hostile/persistence", "/test-hostile/checked"}) {
            Response r = given().get(path)
                    .then()
                    .statusCode(500)
                    .contentType("application/problem+json")
                    .body("errorId", notNullValue())
                    .body("instance", startsWith("urn:edgeloop:error:"))
                    .extract()
                    .response();
            assertNoLeak(r.asString());
            assertEquals(
                    "urn:edgeloop:error:" + r.jsonPath().getString("errorId"),
                    r.jsonPath().getString("instance"));
        }
    }

    @Test
    void illegalArgumentMessagesAreShownOnlyWhenSafe() {
        given().get("/test-hostile/illegal")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("limit must be positive"));
        Response r = given().queryParam("leaky", true)
                .get("/test-hostile/illegal")
                .then()
                .statusCode(400)
                .body("errorId", notNullValue())
                .extract()
                .response();
        assertNoLeak(r.asString());
    }

    @Test
    void nulInABodyStringIs400NamingTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"version\":1,\"name\":\"a\",\"inner\":{\"label\":\"x\\u0000y\"}}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("inner.label"))
                .body("detail", containsString("NUL"));
        given().contentType(ContentType.JSON)
                .body("{\"version\":1,\"tags\":{\"k\\u0001\":\"v\"}}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .body("detail", containsString("tags"));
        // on a real endpoint: a NUL in a label of the schema
        given().contentType(ContentType.JSON)
                .body("{\"featureNames\":[\"a\",\"b\\u0000\"],\"labels\":[\"x\"]}")
                .put("/datasets/hostile-nul")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("featureNames[1]"));
        given().get("/datasets/hostile-nul").then().statusCode(404);
    }

    @Test
    void tabsAndNewlinesStayAllowed() {
        given().contentType(ContentType.JSON)
                .body("{\"version\":1,\"name\":\"a\\tb\\nc\\r\"}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(200)
                .body("name", equalTo("a\tb\nc\r"));
    }

    @Test
    void nulInPathAndQueryParametersIs400NamingTheParameter() {
        given().urlEncodingEnabled(false)
                .get("/test-hostile/echo/a%00b")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("path parameter 'name'"));
        given().urlEncodingEnabled(false)
                .get("/test-hostile/echo/ok?other=x%00")
                .then()
                .statusCode(400)
                .body("detail", containsString("query parameter 'other'"));
        given().get("/test-hostile/echo/ok?limit=abc")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("query parameter 'limit'"));
        given().get("/test-hostile/echo/ok?limit=12").then().statusCode(200).body("limit", equalTo(12));
        given().urlEncodingEnabled(false)
                .get("/datasets/a%00b/snapshots")
                .then()
                .statusCode(400)
                .body("detail", containsString("path parameter 'name'"));
    }

    @Test
    void fractionalNumbersAreNotIntegers() {
        Response r = given().contentType(ContentType.JSON)
                .body("{\"version\":1.7,\"name\":\"a\"}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("version"))
                .body("detail", containsString("integer"))
                .extract()
                .response();
        assertNoLeak(r.asString());
        given().contentType(ContentType.JSON)
                .body("{\"version\":1,\"sizes\":[1,2.5]}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("sizes[1]"));
        given().contentType(ContentType.JSON)
                .body("{\"version\":99999999999999999999}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void wrongJsonTypesAre400NamingTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"version\":\"12\"}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("version"));
        given().contentType(ContentType.JSON)
                .body("{\"version\":1,\"name\":5}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("name"));
        Response r = given().contentType(ContentType.JSON)
                .body("{\"version\":1,\"inner\":[1]}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("inner"))
                .extract()
                .response();
        assertNoLeak(r.asString());
    }

    @Test
    void duplicateKeysAndMalformedJsonAre400() {
        given().contentType(ContentType.JSON)
                .body("{\"version\":1,\"version\":2}")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("version"));
        Response r = given().contentType(ContentType.JSON)
                .body("{\"version\":1,")
                .post("/test-hostile/typed")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .extract()
                .response();
        assertNoLeak(r.asString());
    }

    @Test
    void oversizedBodiesAre413ProblemJson() throws Exception {
        // the test profile's limit is 32M: declare more than that, send only a little of it
        String answer = rawHttp("POST /datasets/anything/samples HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 40000000\r\n\r\n{\"samples\":[");
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(
                answer.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json"), answer);
        assertTrue(answer.contains("\"status\":413"), answer);
    }

    /** Sends {@code request} as is and returns what the server answers until it closes the connection. */
    static String rawHttp(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    if (out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("}")) {
                        break;
                    }
                }
            } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
                // the server may close the connection right after its answer
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void wrongContentTypeIs415ProblemJsonAndCrossOriginPostsAreRefused() {
        given().contentType("text/plain")
                .body("{\"featureNames\":[\"a\"],\"labels\":[\"x\"]}")
                .put("/datasets/hostile-plain")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
        given().header("Origin", "https://evil.example")
                .contentType("text/plain")
                .body("")
                .post("/datasets/hostile-plain/snapshots")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().get("/datasets/hostile-plain").then().statusCode(404);
    }

    @Test
    void grpcNulInANestedStringIsInvalidArgumentNamingTheField() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> datasets.streamSnapshot(StreamSnapshotRequest.newBuilder()
                                .setSnapshot(SnapshotRef.newBuilder().setDatasetName("a\u0000b"))
                                .build())
                        .hasNext());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("snapshot.dataset_name"), e.getStatus()::toString);
        StatusRuntimeException tooLong = assertThrows(
                StatusRuntimeException.class,
                () -> datasets.getSnapshot(SnapshotRef.newBuilder()
                        .setDatasetName("x".repeat(100_000))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooLong.getStatus().getCode());
        assertTrue(tooLong.getStatus().getDescription().contains("dataset_name"));
    }

    @Test
    void grpcExceptionsAreInternalWithoutTheirMessage() {
        StatusRuntimeException thrown = assertThrows(
                StatusRuntimeException.class,
                () -> telemetry.report(
                        TelemetryWindow.newBuilder().setDeviceId("dev-1").build()));
        assertEquals(Status.Code.INTERNAL, thrown.getStatus().getCode());
        assertNoLeak(String.valueOf(thrown.getStatus().getDescription()));
        assertTrue(thrown.getStatus().getDescription().contains("error id"));

        StatusRuntimeException onError = assertThrows(
                StatusRuntimeException.class,
                () -> telemetry.listWindows(ListWindowsRequest.newBuilder()
                        .setDeviceId("d")
                        .setLimit(7)
                        .build()));
        assertTrue(
                onError.getStatus().getCode() == Status.Code.INTERNAL,
                () -> onError.getStatus().toString());
        assertNoLeak(String.valueOf(onError.getStatus().getDescription()));

        // a deliberate status passes unchanged
        StatusRuntimeException deliberate = assertThrows(
                StatusRuntimeException.class,
                () -> telemetry.listWindows(
                        ListWindowsRequest.newBuilder().setDeviceId("d").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, deliberate.getStatus().getCode());
        assertEquals("deliberate: no windows for d", deliberate.getStatus().getDescription());
    }
}
