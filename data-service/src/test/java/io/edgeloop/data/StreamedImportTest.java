package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.edgeloop.data.persistence.ImportProgressStore;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A CSV file larger than the 32 MB limit of other requests imports in one request, streamed: the service reads,
 * checks and stores it a chunk at a time while the client is still sending (its progress is visible then), and the
 * heap does not grow with the rows read (measured after a full GC at two points 17 MB apart). JSON endpoints keep their limit ({@code hostile.LargeBodiesTest}).
 */
@QuarkusTest
class StreamedImportTest {
    @Inject
    AgroalDataSource dataSource;

    @Inject
    ImportProgressStore progressStore;

    private static final int FEATURES = 64;
    private static final int ROWS = 60_000;

    @Test
    void aCsvFileOverThirtyTwoMegabytesImportsInOneRequestWithProgressAndFlatMemory() throws Exception {
        TestSupport.createDataset("csv-streamed", FEATURES, "keep");
        byte[] header = header();
        long size = header.length;
        for (int r = 0; r < ROWS; r++) {
            size += row(r).length;
        }
        assertTrue(size > 33_554_432L, "the file must be over the old 32 MB limit: " + size);
        // the file is generated while it is sent; at two points the client waits until the service reports rows
        // stored (while the file is still being sent) and notes the heap after a full GC
        Map<Integer, Integer> pauses = Map.of(20_000, 5_000, 50_000, 35_000);
        Map<Integer, Long> heap = new ConcurrentHashMap<>();
        Map<Integer, Long> midBytes = new ConcurrentHashMap<>();
        Map<Integer, Map<String, Object>> midStored = new ConcurrentHashMap<>();
        InputStream file = new Generated(header, r -> {
            Integer stored = pauses.get(r);
            if (stored == null) {
                return;
            }
            try {
                TestSupport.await(
                        stored + " rows stored while the file is still being sent",
                        Duration.ofSeconds(120),
                        () -> progress().getLong("accepted") >= stored);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            JsonPath p = progress();
            if ("running".equals(p.getString("state")) && "csv".equals(p.getString("format"))) {
                heap.put(r, usedHeapAfterGc());
                midBytes.put(r, p.getLong("bytesRead"));
                midStored.put(r, storedRow("csv-streamed", "big-1"));
            }
        });
        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                                        + "/datasets/csv-streamed/samples/csv?importId=big-1"))
                                .timeout(Duration.ofSeconds(300))
                                .header("Content-Type", "text/csv")
                                .header("Authorization", "Bearer " + TestAuth.adminToken())
                                // a declared length over 32 MB: refused before reading on every other route
                                .POST(HttpRequest.BodyPublishers.fromPublisher(
                                        HttpRequest.BodyPublishers.ofInputStream(() -> file), size))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        JsonPath result = JsonPath.from(response.body());
        assertEquals(ROWS, result.getLong("rows"));
        assertEquals(ROWS, result.getLong("accepted"));
        assertEquals("big-1", result.getString("importId"));
        assertEquals(ROWS, TestSupport.sampleCount("csv-streamed"));
        JsonPath done = progress();
        assertEquals("stored", done.getString("state"));
        assertEquals(ROWS, done.getLong("rowsRead"));
        assertEquals(ROWS, done.getLong("accepted"));
        assertEquals(201, done.getInt("status"));
        assertEquals(size, done.getLong("bytesRead"), "every byte of the body counted");
        // mid-stream: bytes read grew between the pauses, and what another replica reads (the table) had the counts
        assertTrue(
                midBytes.get(20_000) > 0 && midBytes.get(50_000) > midBytes.get(20_000),
                "bytes read mid-stream: " + midBytes);
        assertEquals("running", midStored.get(50_000).get("state"));
        assertTrue(((Number) midStored.get(50_000).get("accepted")).longValue() >= 35_000, midStored.toString());
        // 30,000 rows (17 MB) later the heap held about the same: a chunk of rows, not what was read
        assertEquals(2, heap.size(), "both pauses saw the import running: " + heap);
        long grown = heap.get(50_000) - heap.get(20_000);
        assertTrue(grown < size / 4, "heap grew by " + grown + " bytes over 30,000 rows of a " + size + "-byte file");
        given().get("/datasets/csv-streamed/imports")
                .then()
                .statusCode(200)
                .body("[0].id", equalTo("big-1"))
                .body("[0].state", equalTo("stored"));
        given().get("/datasets/csv-streamed/imports/nope").then().statusCode(404);
        given().contentType("text/csv")
                .queryParam("importId", "big-1")
                .body(new String(header, StandardCharsets.US_ASCII))
                .post("/datasets/csv-streamed/samples/csv")
                .then()
                .statusCode(409);
        given().contentType("text/csv")
                .queryParam("importId", "no spaces")
                .body(new String(header, StandardCharsets.US_ASCII))
                .post("/datasets/csv-streamed/samples/csv")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("importId"));
    }

    @Test
    void aRefusedImportReportsItsStateAndStoresNothing() {
        TestSupport.createDataset("csv-refused", 2, "keep");
        given().contentType("text/csv")
                .queryParam("importId", "bad-1")
                .body("f0,f1,label\n1,2,normal\n3,x,normal\n")
                .post("/datasets/csv-refused/samples/csv")
                .then()
                .statusCode(422);
        given().get("/datasets/csv-refused/imports/bad-1")
                .then()
                .statusCode(200)
                .body("state", equalTo("rejected"))
                .body("status", equalTo(422))
                .body("rowsRead", equalTo(2))
                .body("rejected", equalTo(1))
                .body("accepted", equalTo(0));
        assertEquals(0, TestSupport.sampleCount("csv-refused"));
    }

    /**
     * An import whose instance died mid-way (its row still says running, nothing reported for longer than
     * {@code imports.stalled-after}) reads as stalled on every replica.
     */
    @Test
    void anImportThatStoppedReportingReadsAsStalled() {
        TestSupport.createDataset("csv-stalled", 2, "keep");
        Instant then = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MICROS);
        assertTrue(progressStore.insert(new ImportProgressStore.Row(
                "csv-stalled", "gone-1", "csv", "alice", "running", 1000, 10, 10, 0, 0, then, then, null, null, null)));
        given().get("/datasets/csv-stalled/imports/gone-1")
                .then()
                .statusCode(200)
                .body("state", equalTo("stalled"))
                .body("bytesRead", equalTo(1000))
                .body("accepted", equalTo(10));
    }

    /** The row of an import as any replica reads it from PostgreSQL. */
    private Map<String, Object> storedRow(String dataset, String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select state, accepted from import_progress where dataset_name = ? and import_id = ?")) {
            ps.setString(1, dataset);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + id);
                return Map.of("state", rs.getString(1), "accepted", rs.getLong(2));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonPath progress() {
        return given().get("/datasets/csv-streamed/imports/big-1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] header() {
        StringBuilder h = new StringBuilder();
        for (int j = 0; j < FEATURES; j++) {
            h.append('f').append(j).append(',');
        }
        return h.append("label\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Row {@code r}: values in [0, 1) with 6 decimals, a label in turn. */
    private static byte[] row(int r) {
        StringBuilder s = new StringBuilder(600);
        long x = r * 2654435761L + 12345;
        for (int j = 0; j < FEATURES; j++) {
            x = (x * 6364136223846793005L + 1442695040888963407L);
            String digits = Long.toString(1_000_000 + (x >>> 33) % 1_000_000); // 1 and six digits
            s.append("0.").append(digits, 1, 7).append(',');
        }
        return s.append(TestSupport.LABELS.get(r % TestSupport.LABELS.size()))
                .append('\n')
                .toString()
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The CSV file, generated row by row as it is read; {@code beforeRow} runs before each row is generated. */
    private static final class Generated extends InputStream {
        private final java.util.function.IntConsumer beforeRow;
        private byte[] current;
        private int pos;
        private int next;

        Generated(byte[] header, java.util.function.IntConsumer beforeRow) {
            this.current = header;
            this.beforeRow = beforeRow;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == current.length) {
                if (next == ROWS) {
                    return -1;
                }
                beforeRow.accept(next);
                current = row(next++);
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
