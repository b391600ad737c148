package io.edgeloop.data;

import static io.edgeloop.data.RecordingSupport.createTimeseries;
import static io.edgeloop.data.RecordingSupport.features;
import static io.edgeloop.data.RecordingSupport.recording;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Time-series recordings (JSON and CSV): windowing, resampling, duplicates, listing, snapshots and bad input. */
@QuarkusTest
class RecordingImportTest {
    private static final List<String> XY = List.of("accX", "accY");

    private static List<Double> ramp(double from, int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(from + i);
        }
        return out;
    }

    private static Map<String, Object> recordingJson(Object accX, Object accY) {
        Map<String, Object> axes = new HashMap<>();
        axes.put("accX", accX);
        axes.put("accY", accY);
        Map<String, Object> body = new HashMap<>();
        body.put("label", "normal");
        body.put("source", "bench");
        body.put("device", "dev-1");
        body.put("startedAt", "2026-12-06T10:15:30Z");
        body.put("axes", axes);
        return body;
    }

    private static ValidatableResponse postJson(String ds, Object body, String stride) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (stride != null) {
            request.queryParam("stride", stride);
        }
        return request.post("/datasets/" + ds + "/recordings").then().log().ifValidationFails();
    }

    private static ValidatableResponse postCsv(String ds, String csv, Map<String, ?> query) {
        return given().contentType("text/csv")
                .queryParams(query)
                .body(csv)
                .post("/datasets/" + ds + "/recordings")
                .then()
                .log()
                .ifValidationFails();
    }

    /** Window at {@code offset} of two axes of length 4: {@code accX[o..o+3], accY[o..o+3]} (axis-major). */
    private static float[] expectedWindow(int offset, float x0, float y0) {
        float[] w = new float[8];
        for (int i = 0; i < 4; i++) {
            w[i] = x0 + offset + i;
            w[4 + i] = y0 + offset + i;
        }
        return w;
    }

    private static void assertWindows(String ds, long id, int[] offsets, float x0, float y0) {
        JsonPath detail = recording(ds, id);
        assertEquals(offsets.length, detail.getList("windows").size());
        Map<String, float[]> stored = features(ds);
        for (int w = 0; w < offsets.length; w++) {
            assertEquals(offsets[w], detail.getInt("windows[" + w + "].offset"));
            float[] f = stored.get(detail.getString("windows[" + w + "].sampleId"));
            assertArrayEquals(expectedWindow(offsets[w], x0, y0), f, "window at " + offsets[w]);
        }
    }

    @Test
    void aJsonRecordingIsCutIntoWindowsWithStrideAndStoredOnce() {
        String ds = "rec-json";
        createTimeseries(ds, XY, 4, 100.0);
        given().get("/datasets/" + ds).then().statusCode(200).body("sampleRateHz", equalTo(100.0f));
        Map<String, Object> body = recordingJson(ramp(0, 10), ramp(100, 10));
        // stride 2 < length 4: windows at 0, 2, 4, 6 (the tail 8..9 is no whole window)
        JsonPath created = postJson(ds, body, "2")
                .statusCode(201)
                .header("Location", notNullValue())
                .body("accepted", equalTo(4))
                .body("duplicates", equalTo(0))
                .body("recording.windowCount", equalTo(4))
                .body("recording.length", equalTo(10))
                .body("recording.stride", equalTo(2))
                .body("recording.label", equalTo("normal"))
                .body("recording.source", equalTo("bench"))
                .body("recording.device", equalTo("dev-1"))
                .body("recording.startedAt", equalTo("2026-12-06T10:15:30Z"))
                .body("recording.sampleRateHz", equalTo(100.0f))
                .body("recording.format", equalTo("json"))
                .body("recording.createdBy", notNullValue())
                .extract()
                .jsonPath();
        long first = created.getLong("recording.id");
        assertWindows(ds, first, new int[] {0, 2, 4, 6}, 0, 100);
        // its progress counts the body's bytes as they are read, then the windows
        given().get("/datasets/" + ds + "/imports/" + created.getString("importId"))
                .then()
                .statusCode(200)
                .body("state", equalTo("stored"))
                .body("format", equalTo("recording-json"))
                .body("rowsRead", equalTo(4))
                .body("bytesRead", org.hamcrest.Matchers.greaterThan(100));
        // the same upload again stores nothing
        postJson(ds, body, "2").statusCode(200).body("accepted", equalTo(0)).body("recording.id", equalTo((int) first));
        assertEquals(4, TestSupport.sampleCount(ds));
        // stride = length (the default): windows at 0 and 4
        long second = postJson(ds, recordingJson(ramp(0.5, 10), ramp(200, 10)), null)
                .statusCode(201)
                .body("accepted", equalTo(2))
                .extract()
                .jsonPath()
                .getLong("recording.id");
        assertWindows(ds, second, new int[] {0, 4}, 0.5f, 200);
        assertEquals(6, TestSupport.sampleCount(ds));

        // paged listing by id
        JsonPath page1 = given().queryParam("limit", 1)
                .get("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of((int) first), page1.getList("recordings.id"));
        JsonPath page2 = given().queryParam("limit", 1)
                .queryParam("after", page1.getString("next"))
                .get("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of((int) second), page2.getList("recordings.id"));
        assertNull(page2.getString("next"));

        // a labelled recording's windows are in the next snapshot
        JsonPath snapshot = given().post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertEquals(
                6,
                snapshot.getLong("trainCount") + snapshot.getLong("validationCount") + snapshot.getLong("testCount"));
        String export = given().get("/datasets/" + ds + "/snapshots/1/export")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(export.contains("2.0,3.0,4.0,5.0,102.0,103.0,104.0,105.0,normal,"), export);
    }

    @Test
    void aDeletedRecordingLeavesListingsAndNewSnapshotsAndComesBackWhenSentAgain() {
        String ds = "rec-delete";
        createTimeseries(ds, XY, 4, 100.0);
        Map<String, Object> body = recordingJson(ramp(0, 12), ramp(100, 12));
        long id = postJson(ds, body, null).statusCode(201).extract().jsonPath().getLong("recording.id");
        long other = postJson(ds, recordingJson(ramp(50, 8), ramp(300, 8)), null)
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("recording.id");
        assertEquals(5, TestSupport.sampleCount(ds));
        given().post("/datasets/" + ds + "/snapshots").then().statusCode(201).body("trainCount", notNullValue());
        // one window of the recording deleted on its own before: it stays deleted when the recording comes back
        String single = recording(ds, id).getString("windows[0].sampleId");
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(single)))
                .post("/datasets/" + ds + "/samples/delete")
                .then()
                .statusCode(200);

        given().delete("/datasets/" + ds + "/recordings/" + id)
                .then()
                .statusCode(200)
                .body("recording", equalTo((int) id))
                .body("windowsDeleted", equalTo(2));
        assertEquals(2, TestSupport.sampleCount(ds), "only the other recording's windows are live");
        given().get("/datasets/" + ds + "/recordings/" + id).then().statusCode(404);
        given().get("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(200)
                .body("recordings.id", equalTo(List.of((int) other)));
        given().delete("/datasets/" + ds + "/recordings/" + id).then().statusCode(404);
        given().delete("/datasets/" + ds + "/recordings/" + other + "9").then().statusCode(404);
        given().delete("/datasets/rec-json-nope/recordings/" + other).then().statusCode(404);
        // the snapshot cut before still holds all five windows; the next one has the two live ones
        given().get("/datasets/" + ds + "/snapshots/1/export")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString("0.0,1.0,2.0,3.0,100.0,101.0,102.0,103.0,normal,"));
        JsonPath next = given().post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertEquals(2, next.getLong("trainCount") + next.getLong("validationCount") + next.getLong("testCount"));

        // the same recording sent again restores it with the windows deleted with it
        postJson(ds, body, null)
                .statusCode(201)
                .body("recording.id", equalTo((int) id))
                .body("accepted", equalTo(2));
        assertEquals(4, TestSupport.sampleCount(ds));
        assertEquals(2, recording(ds, id).getList("windows").size());
    }

    @Test
    void aCsvRecordingMapsColumnsAndItsErrorsNameTheLine() {
        String ds = "rec-csv";
        createTimeseries(ds, XY, 4, 50.0);
        StringBuilder csv = new StringBuilder("timestamp;accY;accX\n");
        for (int i = 0; i < 8; i++) {
            csv.append(i * 20).append(';').append(100 + i).append(';').append(i).append('\n');
        }
        long id = postCsv(ds, csv.toString(), Map.of("delimiter", ";", "label", "bearing", "stride", "4"))
                .statusCode(201)
                .body("accepted", equalTo(2))
                .body("recording.format", equalTo("csv"))
                .body("recording.label", equalTo("bearing"))
                .extract()
                .jsonPath()
                .getLong("recording.id");
        assertWindows(ds, id, new int[] {0, 4}, 0, 100);
        // columns of other names, mapped in axis order; another column ignored
        String mapped = "t,x,y,temp\n0,1,11,20\n20,2,12,20\n40,3,13,20\n60,4,14,20\n";
        Map<String, Object> query = new HashMap<>();
        query.put("axis", List.of("x", "y"));
        query.put("timestamp", "t");
        query.put("unmapped", "ignore");
        postCsv(ds, mapped, query)
                .statusCode(201)
                .body("accepted", equalTo(1))
                .body("recording.originalSampleRateHz", equalTo(50.0f));
        assertEquals(3, TestSupport.sampleCount(ds));
        // timestamps 10 ms apart (100 Hz) into the 50 Hz data set: resampled, 16 rows -> 8 values -> 2 windows
        StringBuilder fast = new StringBuilder("timestamp,accX,accY\n");
        for (int i = 0; i < 16; i++) {
            fast.append(1000 + i * 10).append(",0.25,-0.25\n");
        }
        postCsv(ds, fast.toString(), Map.of())
                .statusCode(201)
                .body("recording.originalSampleRateHz", equalTo(100.0f))
                .body("recording.sampleRateHz", equalTo(50.0f))
                .body("recording.length", equalTo(8))
                .body("accepted", equalTo(2));
        assertEquals(5, TestSupport.sampleCount(ds));

        // a bad value on line 9 and a timestamp going back on line 4: 422 naming each line, nothing stored
        StringBuilder bad = new StringBuilder("timestamp,accX,accY\n");
        for (int i = 0; i < 10; i++) {
            String x = i == 7 ? "abc" : String.valueOf(i);
            int t = i == 2 ? 0 : i;
            bad.append(t).append(',').append(x).append(',').append(i).append('\n');
        }
        postCsv(ds, bad.toString(), Map.of())
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("line 4", "line 9")))
                .body("errors[1].message", equalTo("column 'accX': not a number: 'abc'"));
        // header problems on line 1, bad query parameters by name
        postCsv(ds, "accX,other\n1,2\n", Map.of()).statusCode(422).body("errors.field", hasItem("line 1"));
        postCsv(ds, "accX,accY\n1,2\n", Map.of("stride", "x", "delimiter", "ab", "timestampUnit", "h"))
                .statusCode(422)
                .body("errors.field", equalTo(List.of("stride", "delimiter", "timestampUnit")));
        assertEquals(5, TestSupport.sampleCount(ds));
        assertEquals(
                3,
                given().get("/datasets/" + ds + "/recordings")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("recordings")
                        .size());
    }

    @Test
    void badJsonRecordingsNameTheFieldAndStoreNothing() {
        String ds = "rec-bad";
        createTimeseries(ds, XY, 4, 100.0);
        List<Object> withText = new ArrayList<>(ramp(0, 20));
        withText.set(17, "x");
        postJson(ds, recordingJson(ramp(0, 20), withText), null)
                .statusCode(422)
                .body("errors.field", equalTo(List.of("axes.accY[17]")))
                .body("errors[0].message", equalTo("not a number"));
        Map<String, Object> missing = recordingJson(ramp(0, 20), ramp(0, 20));
        ((Map<?, ?>) missing.get("axes")).remove("accY");
        postJson(ds, missing, null).statusCode(422).body("errors.field", equalTo(List.of("axes.accY")));
        postJson(ds, recordingJson(ramp(0, 20), ramp(0, 19)), null)
                .statusCode(422)
                .body("errors.field", equalTo(List.of("axes.accY")));
        Map<String, Object> unknownLabel = recordingJson(ramp(0, 20), ramp(0, 20));
        unknownLabel.put("label", "nope");
        postJson(ds, unknownLabel, null).statusCode(422).body("errors.field", equalTo(List.of("label")));
        // shorter than one window; a bad stride
        postJson(ds, recordingJson(ramp(0, 3), ramp(0, 3)), null)
                .statusCode(422)
                .body("errors.field", equalTo(List.of("axes")));
        postJson(ds, recordingJson(ramp(0, 20), ramp(0, 20)), "0")
                .statusCode(422)
                .body("errors.field", equalTo(List.of("stride")));
        Map<String, Object> badTime = recordingJson(ramp(0, 20), ramp(0, 20));
        badTime.put("startedAt", "yesterday");
        postJson(ds, badTime, null).statusCode(422).body("errors.field", equalTo(List.of("startedAt")));
        assertEquals(0, TestSupport.sampleCount(ds));
        given().get("/datasets/" + ds + "/recordings").then().statusCode(200).body("recordings.size()", equalTo(0));
        // unknown recording, unknown data set, a data set of another kind, bad paging
        given().get("/datasets/" + ds + "/recordings/999999").then().statusCode(404);
        given().get("/datasets/" + ds + "/recordings/abc").then().statusCode(404);
        postJson("rec-nope", recordingJson(ramp(0, 20), ramp(0, 20)), null).statusCode(404);
        TestSupport.createDataset("rec-flat", 8);
        postJson("rec-flat", recordingJson(ramp(0, 20), ramp(0, 20)), null)
                .statusCode(422)
                .body("errors.field", equalTo(List.of("dataKind")));
        given().queryParam("limit", 0)
                .get("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(422)
                .body("errors.field", equalTo(List.of("limit")));
    }

    @Test
    void aToneRecordedAtTwiceTheRateKeepsItsFrequency() {
        String ds = "rec-rate";
        createTimeseries(ds, List.of("s"), 256, 8000.0);
        // 1 s of a 1 kHz tone at 16 kHz into an 8 kHz data set: 8,000 values, 31 windows of 256
        float[] tone = RecordingSupport.tone(1000, 16000, 1.0, 0.5);
        List<Double> values = new ArrayList<>();
        for (float v : tone) {
            values.add((double) v);
        }
        Map<String, Object> body = Map.of("sampleRateHz", 16000, "axes", Map.of("s", values));
        long id = postJson(ds, body, null)
                .statusCode(201)
                .body("recording.length", equalTo(8000))
                .body("recording.sampleRateHz", equalTo(8000.0f))
                .body("recording.originalSampleRateHz", equalTo(16000.0f))
                .body("recording.windowCount", equalTo(31))
                .body("recording.label", equalTo(null))
                .extract()
                .jsonPath()
                .getLong("recording.id");
        float[] signal = RecordingSupport.joinedWindows(ds, id);
        assertEquals(31 * 256, signal.length);
        // 1 kHz for 7,936 / 8,000 s: 2 zero crossings per period, ~1,984
        int crossings = RecordingSupport.zeroCrossings(signal);
        assertTrue(Math.abs(crossings - 1984) <= 4, "zero crossings " + crossings);
        // amplitude kept away from the edges (the resampler's filter passes 1 kHz unchanged)
        float peak = 0;
        for (int i = 100; i < signal.length - 100; i++) {
            peak = Math.max(peak, Math.abs(signal[i]));
        }
        assertEquals(0.5, peak, 0.01);
        // unlabeled windows: stored, not in snapshots
        given().queryParam("labeled", "false")
                .queryParam("limit", 1000)
                .get("/datasets/" + ds + "/samples")
                .then()
                .statusCode(200)
                .body("samples.size()", equalTo(31));
    }

    @Test
    void aLongRecordingIsStoredChunkByChunkWithTheRightOffsets() {
        // stride 1 over 2,503 values: 2,500 windows, more than one import chunk (1,000 in tests)
        String ds = "rec-long";
        createTimeseries(ds, List.of("v"), 4, null);
        Map<String, Object> body = Map.of("label", "imbalance", "axes", Map.of("v", ramp(0, 2503)));
        long id = postJson(ds, body, "1")
                .statusCode(201)
                .body("accepted", equalTo(2500))
                .body("recording.windowCount", equalTo(2500))
                .body("recording.sampleRateHz", equalTo(null))
                .extract()
                .jsonPath()
                .getLong("recording.id");
        JsonPath detail = recording(ds, id);
        List<Integer> offsets = detail.getList("windows.offset");
        assertEquals(2500, offsets.size());
        for (int w = 0; w < offsets.size(); w++) {
            assertEquals(w, offsets.get(w));
        }
        Map<String, float[]> stored = new HashMap<>();
        for (String after = null, next; ; after = next) {
            var request = given().queryParam("limit", 1000);
            if (after != null) {
                request.queryParam("after", after);
            }
            JsonPath page = request.get("/datasets/" + ds + "/samples")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<String> ids = page.getList("samples.id");
            for (int i = 0; i < ids.size(); i++) {
                List<Object> f = page.getList("samples[" + i + "].features");
                stored.put(ids.get(i), new float[] {
                    ((Number) f.get(0)).floatValue(),
                    ((Number) f.get(1)).floatValue(),
                    ((Number) f.get(2)).floatValue(),
                    ((Number) f.get(3)).floatValue()
                });
            }
            next = page.getString("next");
            if (next == null) {
                break;
            }
        }
        assertEquals(2500, stored.size());
        for (int w : new int[] {0, 999, 1000, 1700, 2499}) {
            float[] f = stored.get(detail.getString("windows[" + w + "].sampleId"));
            assertArrayEquals(new float[] {w, w + 1, w + 2, w + 3}, f, "window " + w);
        }
    }

    @Test
    void theSampleRateIsPartOfTheSchema() {
        createTimeseries("rec-schema", XY, 4, 100.0);
        Map<String, Object> schema = new HashMap<>();
        schema.put("featureNames", RecordingSupport.axisFeatures(XY, 4));
        schema.put("labels", TestSupport.LABELS);
        schema.put("dataKind", "timeseries");
        schema.put("sampleShape", List.of(2, 4));
        schema.put("sampleRateHz", 100.0);
        given().contentType(ContentType.JSON)
                .body(schema)
                .put("/datasets/rec-schema")
                .then()
                .statusCode(200);
        schema.put("sampleRateHz", 200.0);
        given().contentType(ContentType.JSON)
                .body(schema)
                .put("/datasets/rec-schema")
                .then()
                .statusCode(409);
        schema.put("sampleRateHz", -1);
        given().contentType(ContentType.JSON)
                .body(schema)
                .put("/datasets/rec-schema-2")
                .then()
                .statusCode(422)
                .body("errors.field", equalTo(List.of("sampleRateHz")));
        schema.put("sampleRateHz", 100.0);
        schema.put("dataKind", "features");
        schema.put("sampleShape", List.of(8));
        given().contentType(ContentType.JSON)
                .body(schema)
                .put("/datasets/rec-schema-3")
                .then()
                .statusCode(422)
                .body("errors.field", equalTo(List.of("sampleRateHz")));
    }
}
