package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /datasets/{name}/stats} (SQL aggregates) and the ingest log ({@code GET /datasets/{name}/ingests}). */
@QuarkusTest
class StatsAndIngestLogTest {
    private static Map<String, Object> sample(List<?> features, String label, String source) {
        Map<String, Object> m = new HashMap<>();
        m.put("features", features);
        m.put("label", label);
        m.put("source", source);
        return m;
    }

    /** 30 labelled samples (10 per class; f0 = i, f1 = 5 for all) and 2 unlabeled ones (f0 = 100, 101). */
    private static List<Map<String, Object>> thirtyTwo() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.add(sample(List.of((double) i, 5.0), TestSupport.LABELS.get(i % 3), "bench"));
        }
        out.add(sample(List.of(100.0, 5.0), null, "field"));
        out.add(sample(List.of(101.0, 5.0), null, "field"));
        return out;
    }

    private static void post(String ds, List<Map<String, Object>> samples, int status) {
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", samples))
                .post("/datasets/" + ds + "/samples")
                .then()
                .statusCode(status);
    }

    private static JsonPath stats(String ds, String query) {
        return given().get("/datasets/" + ds + "/stats" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static JsonPath ingests(String ds, String query) {
        return given().get("/datasets/" + ds + "/ingests" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** Samples per label and split as the sample listing reports them (an independent count). */
    private static Map<String, Integer> listed(String ds) {
        Map<String, Integer> out = new HashMap<>();
        JsonPath page = given().get("/datasets/" + ds + "/samples?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<String> labels = page.getList("samples.label");
        List<String> splits = page.getList("samples.split");
        for (int i = 0; i < labels.size(); i++) {
            out.merge(labels.get(i) + "/" + splits.get(i), 1, Integer::sum);
        }
        return out;
    }

    @Test
    void statsCountClassesAndSplitsAndHistogramsAddUp() {
        String ds = "stats-counts";
        TestSupport.createDataset(ds, 2, "keep");
        post(ds, thirtyTwo(), 201);

        JsonPath all = stats(ds, "");
        assertEquals(32, all.getLong("sampleCount"));
        assertEquals(2, all.getLong("unlabeledCount"));
        assertEquals(20, all.getInt("bins"));
        assertNull(all.get("split"));
        Map<String, Integer> listed = listed(ds);
        long train = 0;
        for (int c = 0; c < 3; c++) {
            String label = TestSupport.LABELS.get(c);
            assertEquals(label, all.getString("classes[" + c + "].label"));
            assertEquals(10, all.getLong("classes[" + c + "].total"));
            for (String split : List.of("train", "validation", "test")) {
                assertEquals(
                        listed.getOrDefault(label + "/" + split, 0).longValue(),
                        all.getLong("classes[" + c + "]." + split),
                        label + "/" + split);
            }
            train += all.getLong("classes[" + c + "].train");
        }
        assertEquals(train, all.getLong("splits.train"));
        assertEquals(30, all.getLong("splits.train") + all.getLong("splits.validation") + all.getLong("splits.test"));

        // f0: 0..29 and 100, 101; f1: 5 everywhere (one bin)
        assertEquals("f0", all.getString("features[0].name"));
        assertEquals(32, all.getLong("features[0].count"));
        assertEquals(0.0, all.getDouble("features[0].min"));
        assertEquals(101.0, all.getDouble("features[0].max"));
        double mean = (29 * 30 / 2.0 + 201) / 32;
        assertEquals(mean, all.getDouble("features[0].mean"), 1e-9);
        double var = 0;
        for (double x : allF0()) {
            var += (x - mean) * (x - mean);
        }
        assertEquals(Math.sqrt(var / 32), all.getDouble("features[0].std"), 1e-4); // JsonPath reads floats
        List<Integer> counts = all.getList("features[0].counts", Integer.class);
        List<Float> edges = all.getList("features[0].edges", Float.class);
        assertEquals(20, counts.size());
        assertEquals(21, edges.size());
        assertEquals(32, counts.stream().mapToInt(Integer::intValue).sum(), "bins add up to the count");
        int[] expected = new int[20];
        for (double x : allF0()) {
            expected[Math.min(19, (int) Math.floor(x / 101.0 * 20))]++;
        }
        assertEquals(Arrays.stream(expected).boxed().toList(), counts);
        assertEquals(List.of(32), all.getList("features[1].counts", Integer.class));
        assertEquals(0.0, all.getDouble("features[1].std"), 1e-12);

        assertOnlyTrain(ds, train);
    }

    /** {@code ?split=train&bins=5}: the train split alone, in 5 bins. */
    private static void assertOnlyTrain(String ds, long train) {
        JsonPath trainOnly = stats(ds, "?split=train&bins=5");
        assertEquals("train", trainOnly.getString("split"));
        assertEquals(train, trainOnly.getLong("sampleCount"));
        assertEquals(0, trainOnly.getLong("unlabeledCount"));
        assertEquals(0, trainOnly.getLong("splits.test"));
        assertEquals(5, trainOnly.getList("features[0].counts").size());
        assertEquals(
                train,
                trainOnly.getList("features[0].counts", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum());
        assertTrue(trainOnly.getDouble("features[0].max") <= 29.0, "unlabeled samples are in no split");
    }

    private static List<Double> allF0() {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.add((double) i);
        }
        out.add(100.0);
        out.add(101.0);
        return out;
    }

    @Test
    void statsOfAnEmptyDataSetAndBadQueries() {
        String ds = "stats-empty";
        TestSupport.createDataset(ds, 2, "keep");
        JsonPath empty = stats(ds, "");
        assertEquals(0, empty.getLong("sampleCount"));
        assertEquals(0, empty.getLong("features[0].count"));
        assertNull(empty.get("features[0].min"));
        assertEquals(List.of(), empty.getList("features[0].counts"));

        given().get("/datasets/" + ds + "/stats?split=holdout")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("split"));
        given().get("/datasets/" + ds + "/stats?bins=0")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("bins"));
        given().get("/datasets/" + ds + "/ingests?limit=x")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("limit"));
        given().get("/datasets/no-such-set/stats").then().statusCode(404);
        given().get("/datasets/no-such-set/ingests").then().statusCode(404);
    }

    @Test
    void readersMayReadOthersMayNot() {
        String ds = "stats-roles";
        TestSupport.createDataset(ds, 2, "keep");
        for (String path : List.of("/stats", "/ingests")) {
            given().header("Authorization", TestAuth.ANONYMOUS)
                    .get("/datasets/" + ds + path)
                    .then()
                    .statusCode(401);
            given().header("Authorization", TestAuth.deviceBearer("dev-1"))
                    .get("/datasets/" + ds + path)
                    .then()
                    .statusCode(403);
            given().header("Authorization", TestAuth.bearer("reader", Roles.VIEWER))
                    .get("/datasets/" + ds + path)
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void everyJsonIngestIsLoggedWithWhoAndWhatIncludingRefusals() {
        String ds = "log-json";
        TestSupport.createDataset(ds, 2, "keep");
        List<Map<String, Object>> ok = thirtyTwo().subList(0, 3);
        given().header("Authorization", TestAuth.bearer("ingester-7", Roles.DATA))
                .contentType(ContentType.JSON)
                .body(Map.of("samples", ok))
                .post("/datasets/" + ds + "/samples")
                .then()
                .statusCode(201);
        post(ds, ok, 200); // the same batch again: duplicates
        List<Map<String, Object>> bad = new ArrayList<>(ok);
        bad.set(1, sample(Arrays.asList(1.0, null), "normal", "bench"));
        bad.add(sample(List.of(1.0, 2.0), "nope", "bench"));
        post(ds, bad, 422);
        assertEquals(3, TestSupport.sampleCount(ds));

        JsonPath log = ingests(ds, "");
        assertEquals(3, log.getList("$").size());
        // newest first: the refused batch
        assertEquals("rejected", log.getString("[0].outcome"));
        assertEquals(422, log.getInt("[0].status"));
        assertEquals(4, log.getLong("[0].rows"));
        assertEquals(0, log.getLong("[0].accepted"));
        assertEquals(2, log.getLong("[0].rejected"));
        assertEquals(1, log.getInt("[0].rejections[0].row"));
        assertEquals("samples[1].features[1]", log.getString("[0].rejections[0].field"));
        assertEquals("missing value", log.getString("[0].rejections[0].message"));
        assertEquals("samples[3].label", log.getString("[0].rejections[1].field"));
        assertTrue(log.getString("[0].rejections[1].message").contains("nope"));
        assertTrue(log.getString("[0].detail").contains("nothing was stored"));
        assertEquals(TestAuth.ADMIN_SUBJECT, log.getString("[0].subject"));

        assertEquals("stored", log.getString("[1].outcome"));
        assertEquals(200, log.getInt("[1].status"));
        assertEquals(0, log.getLong("[1].accepted"));
        assertEquals(3, log.getLong("[1].duplicates"));

        assertEquals("ingester-7", log.getString("[2].subject"));
        assertEquals("json", log.getString("[2].format"));
        assertEquals("bench", log.getString("[2].source"));
        assertEquals(201, log.getInt("[2].status"));
        assertEquals(3, log.getLong("[2].rows"));
        assertEquals(3, log.getLong("[2].accepted"));
        assertEquals(0, log.getLong("[2].rejected"));
        assertEquals(List.of(), log.getList("[2].rejections"));
        assertEquals(ds, log.getString("[2].datasetName"));

        assertEquals(1, ingests(ds, "?limit=1").getList("$").size());
    }

    @Test
    void csvImportsAreLoggedAndARefusedFileLeavesOnlyItsLogRow() {
        String ds = "log-csv";
        TestSupport.createDataset(ds, 2, "keep");
        String skipped = "f0,f1,label\n1,2,normal\n1,x,normal\n3,4,bearing\n";
        given().contentType("text/csv")
                .body(skipped)
                .post("/datasets/" + ds + "/samples/csv?onInvalid=skip")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(2));
        JsonPath log = ingests(ds, "");
        assertEquals("csv", log.getString("[0].format"));
        assertEquals("stored", log.getString("[0].outcome"));
        assertEquals(3, log.getLong("[0].rows"));
        assertEquals(2, log.getLong("[0].accepted"));
        assertEquals(1, log.getLong("[0].rejected"));
        assertEquals(3, log.getInt("[0].rejections[0].row"));
        assertEquals("line 3", log.getString("[0].rejections[0].field"));
        assertTrue(log.getString("[0].rejections[0].message").contains("'f1'"), log.getString("[0].rejections"));
        assertEquals("csv", log.getString("[0].source")); // the rows' default source

        // 6,000 rows (two import chunks, the first inserted before the bad last row is read): nothing stays
        StringBuilder big = new StringBuilder("f0,f1,label\n");
        for (int i = 0; i < 5999; i++) {
            big.append(i % 50).append(',').append(i % 7).append(",normal\n");
        }
        big.append("1,2,unknown-class\n");
        given().contentType("text/csv")
                .body(big.toString())
                .post("/datasets/" + ds + "/samples/csv")
                .then()
                .statusCode(422);
        assertEquals(2, TestSupport.sampleCount(ds));
        log = ingests(ds, "");
        assertEquals("rejected", log.getString("[0].outcome"));
        assertEquals(6000, log.getLong("[0].rows"));
        assertEquals(1, log.getLong("[0].rejected"));
        assertEquals(0, log.getLong("[0].accepted"));
        assertEquals("line 6001", log.getString("[0].rejections[0].field"));
        assertEquals(2, stats(ds, "").getLong("sampleCount"));

        given().contentType("text/csv")
                .body(skipped)
                .post("/datasets/" + ds + "/samples/csv?delimiter=ab")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("delimiter"));
        log = ingests(ds, "?limit=1");
        assertEquals(0, log.getLong("[0].rows"));
        assertEquals("delimiter", log.getString("[0].rejections[0].field"));
        assertNull(log.get("[0].rejections[0].row"));
    }

    @Test
    void recordingsAndImagesAreLogged() {
        String ds = "log-recording";
        RecordingSupport.createTimeseries(ds, List.of("a"), 4, null);
        Map<String, Object> rec = Map.of("label", "normal", "axes", Map.of("a", List.of(1, 2, 3, 4, 5, 6, 7, 8)));
        given().header("Authorization", TestAuth.bearer("recorder", Roles.DATA))
                .contentType(ContentType.JSON)
                .body(rec)
                .post("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Map.of("label", "normal", "axes", Map.of("a", List.of(1, 2))))
                .post("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(422);
        JsonPath log = ingests(ds, "");
        assertEquals("rejected", log.getString("[0].outcome"));
        assertEquals("axes", log.getString("[0].rejections[0].field"));
        assertEquals("recording-json", log.getString("[1].format"));
        assertEquals("recorder", log.getString("[1].subject"));
        assertEquals("recording", log.getString("[1].source"));
        assertEquals(2, log.getLong("[1].rows"));
        assertEquals(2, log.getLong("[1].accepted"));

        String images = "log-images";
        RecordingSupport.createImages(images, 1, 2, 2);
        given().contentType("image/png")
                .body(new byte[] {1, 2, 3})
                .post("/datasets/" + images + "/images?label=normal&source=cam-1")
                .then()
                .statusCode(415);
        log = ingests(images, "");
        assertEquals("image", log.getString("[0].format"));
        assertEquals("cam-1", log.getString("[0].source"));
        assertEquals(415, log.getInt("[0].status"));
        given().get("/datasets/" + images + "/ingests").then().body("[0].detail", containsString("PNG"));
    }

    @Test
    void onlyTheNewestIngestsAreKept() {
        String ds = "log-retention";
        TestSupport.createDataset(ds, 2, "keep");
        for (int i = 0; i < 12; i++) {
            post(ds, List.of(sample(List.of((double) i, 1.0), "normal", "s" + i)), 201);
        }
        JsonPath log = ingests(ds, "?limit=10");
        assertEquals(10, log.getList("$").size());
        assertEquals("s11", log.getString("[0].source"));
        assertEquals("s2", log.getString("[9].source"));
        given().get("/datasets/" + ds + "/ingests?limit=11")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("limit"));
    }
}
