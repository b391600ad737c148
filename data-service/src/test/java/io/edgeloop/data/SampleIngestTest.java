package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON and CSV ingest: validation, atomicity, content addressing, outliers, limits. */
@QuarkusTest
class SampleIngestTest {
    private static Map<String, Object> sample(List<?> features, String label) {
        Map<String, Object> m = new HashMap<>();
        m.put("features", features);
        m.put("label", label);
        m.put("source", "demo");
        return m;
    }

    @Test
    void batchIngestCountsDuplicates() {
        TestSupport.createDataset("ingest-dup", 3);
        var a = sample(List.of(1.0, 2.0, 3.0), "normal");
        var b = sample(List.of(1.0, 2.0, 3.5), "normal");
        var c = sample(List.of(1.0, 2.0, 3.0), "imbalance"); // same features, other label: another sample
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(a, b, c)))
                .post("/datasets/ingest-dup/samples")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(3))
                .body("duplicates", equalTo(0));

        var d = sample(List.of(-0.0, 2.0, 3.0), "bearing");
        var dPositiveZero = sample(List.of(0.0, 2.0, 3.0), "bearing");
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(a, d, b, dPositiveZero, d)))
                .post("/datasets/ingest-dup/samples")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(1))
                .body("duplicates", equalTo(4));

        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(a, b)))
                .post("/datasets/ingest-dup/samples")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(2));
        assertEquals(4, TestSupport.sampleCount("ingest-dup"));
    }

    @Test
    void everyInvalidSampleIsReportedAndNothingIsStored() {
        TestSupport.createDataset("ingest-bad", 3);
        List<Object> samples = new ArrayList<>();
        samples.add(sample(List.of(1.0, 2.0, 3.0), "normal")); // 0 valid
        samples.add(sample(Arrays.asList(1.0, null, 3.0), "normal")); // 1 missing value
        samples.add(sample(List.of(1.0, 2.0), "normal")); // 2 too few
        samples.add(sample(List.of(1.0, 2.0, 3.0), "x")); // 3 unknown label
        samples.add(sample(List.of(1.0, "abc", 3.0), null)); // 4 not a number (no label: unlabeled, allowed)
        samples.add(null); // 5
        samples.add(sample(List.of(1.0, 2.0, 1e39), "normal")); // 6 beyond float32
        String body = new io.vertx.core.json.JsonObject(Map.of("samples", samples)).encode();
        // NaN / Infinity literals, as sensors emit them (appended by hand: JSON encoders refuse them)
        body = body.substring(0, body.length() - 2) + ",{\"features\":[NaN,2.0,Infinity],\"label\":\"normal\"}]}";

        JsonPath problem = given().contentType(ContentType.JSON)
                .body(body)
                .post("/datasets/ingest-bad/samples")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", equalTo("7 of 8 samples are invalid; nothing was stored"))
                .extract()
                .jsonPath();
        List<String> errors = problem.getList("errors", Map.class).stream()
                .map(e -> e.get("field") + ": " + e.get("message"))
                .toList();
        assertEquals(
                List.of(
                        "samples[1].features[1]: missing value",
                        "samples[2].features: expected 3 features, got 2",
                        "samples[3].label: unknown label 'x' (known: normal, imbalance, bearing)",
                        "samples[4].features[1]: not a number: 'abc'",
                        "samples[5]: missing sample",
                        "samples[6].features[2]: out of float32 range",
                        "samples[7].features[0]: not finite",
                        "samples[7].features[2]: not finite"),
                errors);
        assertEquals(0, TestSupport.sampleCount("ingest-bad"));

        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of()))
                .post("/datasets/ingest-bad/samples")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("samples"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/datasets/ingest-bad/samples")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("samples"));
    }

    @Test
    void batchesOverTheLimitAre413() {
        TestSupport.createDataset("ingest-big", 1);
        List<Object> samples = new ArrayList<>();
        for (int i = 0; i <= 1000; i++) { // test profile: edgeloop.data.max-batch-size=1000
            samples.add(sample(List.of((double) i), "normal"));
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", samples))
                .post("/datasets/ingest-big/samples")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 1000"));
        assertEquals(0, TestSupport.sampleCount("ingest-big"));
    }

    @Test
    void outliersAreJudgedPerClassIncludingTheFirstBatch() {
        TestSupport.createDataset("ingest-outlier", 2);
        given().get("/datasets/ingest-outlier/settings")
                .then()
                .statusCode(200)
                .body("outliers.mode", equalTo("per-class"))
                .body("outliers.madThreshold", equalTo(25.0f))
                .body("outliers.defaults", equalTo(true));
        // the first batch is checked against itself (about 110 rows per class): one glitch rejects it, with a reason
        List<Map<String, Object>> first = new java.util.ArrayList<>(TestSupport.generate(330, 2, 11).stream()
                .map(g -> g.json("test"))
                .toList());
        first.add(sample(List.of(500.0, 0.0), "normal"));
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", first))
                .post("/datasets/ingest-outlier/samples")
                .then()
                .statusCode(422)
                .body("detail", startsWith("1 of 331 samples are invalid"))
                .body("errors.field", contains("samples[330].features[0]"))
                .body("errors[0].message", startsWith("outlier: 500 is "))
                .body("errors[0].message", containsString("of class 'normal'"));
        assertEquals(0, TestSupport.sampleCount("ingest-outlier"));
        TestSupport.ingest("ingest-outlier", TestSupport.generate(330, 2, 11), 330);

        // later batches against the stored samples of the class; structural errors and outliers reported together
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "samples",
                        List.of(
                                sample(List.of(1.5, 0.5), "normal"),
                                sample(List.of(1.0, 40.0), "imbalance"),
                                sample(List.of(1.0), "normal"),
                                sample(List.of(-35.0, 1.0), "bearing"))))
                .post("/datasets/ingest-outlier/samples")
                .then()
                .statusCode(422)
                .body(
                        "errors.field",
                        contains("samples[1].features[1]", "samples[2].features", "samples[3].features[0]"))
                .body("errors[0].message", containsString("limit 25, over "))
                .body("errors[0].message", containsString("samples of class 'imbalance'"));
        assertEquals(330, TestSupport.sampleCount("ingest-outlier"));

        // a stricter threshold for this data set only; the mode stays
        given().contentType(ContentType.JSON)
                .body(Map.of("outliers", Map.of("madThreshold", 1.0)))
                .put("/datasets/ingest-outlier/settings")
                .then()
                .statusCode(200)
                .body("outliers.mode", equalTo("per-class"))
                .body("outliers.madThreshold", equalTo(1.0f))
                .body("outliers.defaults", equalTo(false));
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(sample(List.of(9.0, 0.0), "normal"))))
                .post("/datasets/ingest-outlier/samples")
                .then()
                .statusCode(422)
                .body("errors[0].message", containsString("limit 1,"));
        given().contentType(ContentType.JSON)
                .body(Map.of("outliers", Map.of("mode", "sometimes", "madThreshold", -1)))
                .put("/datasets/ingest-outlier/settings")
                .then()
                .statusCode(422)
                .body("errors.field", contains("outliers.mode", "outliers.madThreshold"));
        given().contentType(ContentType.JSON)
                .body(Map.of("outliers", Map.of("mode", "off")))
                .put("/datasets/ingest-outlier/settings")
                .then()
                .statusCode(200);
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(sample(List.of(500.0, 0.0), "normal"))))
                .post("/datasets/ingest-outlier/samples")
                .then()
                .statusCode(201);
    }

    /**
     * The rare class of a sensor data set arrives in a later batch with its own value range: judged against the
     * whole data set it is rejected as outliers, judged per class (the default) it is data.
     */
    @Test
    void aRareClassArrivingLaterIsNotAnOutlierPerClass() {
        for (String ds : List.of("ingest-rare-dataset", "ingest-rare-class")) {
            TestSupport.createDataset(ds, 2);
            TestSupport.ingest(
                    ds,
                    TestSupport.generate(400, 2, 21).stream()
                            .filter(g -> !g.label().equals("bearing"))
                            .toList(),
                    (int) TestSupport.generate(400, 2, 21).stream()
                            .filter(g -> !g.label().equals("bearing"))
                            .count());
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("outliers", Map.of("mode", "dataset")))
                .put("/datasets/ingest-rare-dataset/settings")
                .then()
                .statusCode(200)
                .body("outliers.mode", equalTo("dataset"));
        List<Map<String, Object>> faults = new java.util.ArrayList<>();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 20; i++) {
            faults.add(sample(List.of(40 + r.nextGaussian(), 40 + r.nextGaussian()), "bearing"));
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", faults))
                .post("/datasets/ingest-rare-dataset/samples")
                .then()
                .statusCode(422)
                .body("errors[0].message", containsString("samples of the data set"));
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", faults))
                .post("/datasets/ingest-rare-class/samples")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(20));
    }

    @Test
    void csvImportValidatesEveryLineAtomically() {
        TestSupport.createDataset("ingest-csv", 3);
        String bad = "f0,f1,f2,label\n"
                + "1,2,3,normal\n" // line 2 ok
                + "1,abc,3,normal\n" // line 3
                + "\n" // blank line 4 is skipped
                + "1,,3,imbalance\n" // line 5
                + "1,2,normal\n" // line 6: a column short
                + "1,2,NaN,bearing\n" // line 7
                + "1,2,3,x\n"; // line 8
        given().contentType("text/csv; charset=UTF-8")
                .body(bad)
                .post("/datasets/ingest-csv/samples/csv")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("line 3", "line 5", "line 6", "line 7", "line 8"))
                .body(
                        "errors.message",
                        contains(
                                "column 'f1': not a number: 'abc'",
                                "column 'f1': missing value",
                                "expected 4 columns, got 3",
                                "column 'f2': not finite",
                                "column 'label': unknown label 'x' (known: normal, imbalance, bearing)"));
        assertEquals(0, TestSupport.sampleCount("ingest-csv"));

        given().contentType("text/csv; charset=UTF-8")
                .body("f0,f2,f1,label,extra\n1,2,3,normal,z\n")
                .post("/datasets/ingest-csv/samples/csv")
                .then()
                .statusCode(422)
                .body("errors.field", contains("line 1"))
                .body(
                        "errors.message",
                        contains("unexpected column 'extra' (map it with feature=..., or pass unmapped=ignore)"));

        // BOM, CRLF, quoted cells, label and source columns anywhere
        String good = "\uFEFFlabel,f0,f1,f2,source\r\n"
                + "normal,1,2,3,rig-1\r\n"
                + "\"imbalance\",1.5,-2.5e-1,\"3\",rig-2\r\n"
                + "bearing, 0.25 ,2,3,\r\n";
        given().contentType("text/csv; charset=UTF-8")
                .body(good)
                .post("/datasets/ingest-csv/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(3))
                .body("duplicates", equalTo(0));
        // the same sample sent as JSON is the same content-addressed sample
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(sample(List.of(1.5, -0.25, 3.0), "imbalance"))))
                .post("/datasets/ingest-csv/samples")
                .then()
                .statusCode(200)
                .body("duplicates", equalTo(1));
        given().contentType("text/csv; charset=UTF-8")
                .body("f0,f1,f2,label\n1,2,3,normal\n")
                .post("/datasets/ingest-csv/samples/csv")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(1));
        assertEquals(3, TestSupport.sampleCount("ingest-csv"));

        given().contentType("text/csv; charset=UTF-8")
                .body("f0,f1,f2,label\n\"1,2,3,normal\n")
                .post("/datasets/ingest-csv/samples/csv")
                .then()
                .statusCode(400)
                .body("detail", startsWith("malformed CSV"));
        given().contentType("text/csv; charset=UTF-8")
                .body("f0,f1,f2,label\n")
                .post("/datasets/ingest-csv/samples/csv")
                .then()
                .statusCode(422)
                .body("errors", hasSize(1));
    }
}
