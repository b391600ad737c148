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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies that could exhaust the heap: a JSON batch just under the 32 MB body limit with far more samples than a batch
 * may hold, and a 200 MB chunked upload. Both are refused while they stream in, nothing is stored, and the service
 * keeps serving.
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
    void aTwoHundredMegabyteChunkedBodyIs413AndTheServiceKeepsServing() throws Exception {
        long size = 200L * 1024 * 1024;
        // a valid header, then rows the import reads and refuses (unknown label) until the limit cuts the stream
        byte[] header = "x,y,z,label\n".getBytes(StandardCharsets.US_ASCII);
        byte[] row = "1.0,2.0,3.0,c\n".getBytes(StandardCharsets.US_ASCII);
        InputStream endless = new InputStream() {
            long sent;

            @Override
            public int read() {
                if (sent >= size) {
                    return -1;
                }
                long at = sent++;
                return at < header.length ? header[(int) at] : row[(int) ((at - header.length) % row.length)];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - sent);
                for (int i = 0; i < n; i++) {
                    long at = sent + i;
                    b[off + i] = at < header.length ? header[(int) at] : row[(int) ((at - header.length) % row.length)];
                }
                sent += n;
                return n;
            }
        };
        try {
            HttpResponse<String> r = send(HttpRequest.BodyPublishers.ofInputStream(() -> endless), "text/csv");
            // cut off at the 32 MB limit while streaming in, with a problem+json 413 like every other error
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
            assertTrue(r.body().contains("larger than the limit"), r.body());
        } catch (IOException e) {
            // the server may close the connection while the client is still sending; what matters follows
        }
        stillServingWithNothingStored();
    }

    private static HttpResponse<String> send(HttpRequest.BodyPublisher body, String type) throws Exception {
        String path = type.equals("text/csv") ? "/samples/csv" : "/samples";
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
