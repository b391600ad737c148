package io.edgeloop.data.hostile;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies that could exhaust the heap: a JSON batch just under the 32 MB body limit with far more samples than a batch
 * may hold, and a 200 MB chunked JSON body. Both are refused while they stream in, nothing is stored, and the service
 * keeps serving. (CSV and recording imports have no body limit: {@code StreamedImportTest}.)
 */
@QuarkusTest
class LargeBodiesTest {
    private static final String SAMPLE = "{\"features\":[1.5,2.5,3.5],\"label\":\"a\"},";

    @BeforeEach
    void dataset() {
        given().contentType(ContentType.JSON)
                .body(Map.of("featureNames", java.util.List.of("x", "y", "z"), "labels", java.util.List.of("a", "b")))
                .put("/datasets/large-bodies")
                .then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    @Test
    void aThirtyMegabyteBatchIsRefusedAtTheFirstSampleTooMany() throws Exception {
        StringBuilder body = new StringBuilder(31 * 1024 * 1024).append("{\"samples\":[");
        while (body.length() < 30 * 1024 * 1024) {
            body.append(SAMPLE);
        }
        body.setLength(body.length() - 1);
        body.append("]}");
        HttpResponse<String> r = send(HttpRequest.BodyPublishers.ofString(body.toString()), "application/json");
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
        assertTrue(r.body().contains("at most 1000 samples"), r.body());
        stillServingWithNothingStored();
    }

    @Test
    void aTwoHundredMegabyteChunkedJsonBodyIs413AndTheServiceKeepsServing() throws Exception {
        long size = 200L * 1024 * 1024;
        // an object that never ends: whitespace the JSON reader skips until the limit cuts the stream
        InputStream endless = new InputStream() {
            long sent;

            @Override
            public int read() {
                return sent >= size ? -1 : sent++ == 0 ? '{' : ' ';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - sent);
                java.util.Arrays.fill(b, off, off + n, (byte) ' ');
                if (sent == 0) {
                    b[off] = '{';
                }
                sent += n;
                return n;
            }
        };
        try {
            HttpResponse<String> r = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + RestAssured.port + "/datasets/large-bodies/settings"))
                                    .timeout(Duration.ofSeconds(120))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + TestAuth.adminToken())
                                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> endless))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            // cut off at the 32 MB limit of JSON requests while streaming in, with a problem+json 413
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
            assertTrue(r.body().contains("larger than the limit"), r.body());
        } catch (IOException e) {
            // the server may close the connection while the client is still sending; what matters follows
        }
        stillServingWithNothingStored();
        given().get("/datasets/large-bodies/settings")
                .then()
                .statusCode(200)
                .body("duplicates", org.hamcrest.Matchers.is("keep"));
    }

    private static HttpResponse<String> send(HttpRequest.BodyPublisher body, String type) throws Exception {
        String path = "/samples";
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + RestAssured.port + "/datasets/large-bodies" + path))
                                .timeout(Duration.ofSeconds(120))
                                .header("Content-Type", type)
                                .header("Authorization", "Bearer " + TestAuth.adminToken())
                                .POST(body)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static void stillServingWithNothingStored() {
        given().get("/datasets/large-bodies").then().statusCode(200).body("sampleCount", org.hamcrest.Matchers.is(0));
    }
}
