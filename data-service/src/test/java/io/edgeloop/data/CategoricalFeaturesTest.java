package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.common.Topics;
import io.edgeloop.proto.events.v1.DataReady;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Categorical features: declared per feature in the schema ({@code featureKinds}), part of its identity, validated
 * (422 naming the field), their values integer category codes, not judged as outliers, and carried in DataReady.
 */
@QuarkusTest
class CategoricalFeaturesTest {
    private static final List<String> FEATURES = List.of("speed", "gear", "load");
    private static final List<String> KINDS = List.of("numerical", "categorical", "numerical");

    private static Map<String, Object> schema(Object featureKinds) {
        Map<String, Object> schema = new HashMap<>();
        schema.put("featureNames", FEATURES);
        schema.put("labels", TestSupport.LABELS);
        if (featureKinds != null) {
            schema.put("featureKinds", featureKinds);
        }
        return schema;
    }

    private static ValidatableResponse put(String dataset, Map<String, Object> schema) {
        return given().contentType(ContentType.JSON)
                .body(schema)
                .put("/datasets/" + dataset)
                .then();
    }

    private static ValidatableResponse ingest(String dataset, List<float[]> rows) {
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            List<Float> values = new ArrayList<>();
            for (float v : rows.get(i)) {
                values.add(v);
            }
            samples.add(Map.of("features", values, "label", TestSupport.LABELS.get(i % TestSupport.LABELS.size())));
        }
        return given().contentType(ContentType.JSON)
                .body(Map.of("samples", samples))
                .post("/datasets/" + dataset + "/samples")
                .then();
    }

    @Test
    void featureKindsAreStoredReturnedAndPartOfTheSchema() {
        put("cat-kinds", schema(KINDS)).statusCode(201).body("featureKinds", contains(KINDS.toArray()));
        put("cat-kinds", schema(KINDS)).statusCode(200);
        given().get("/datasets/cat-kinds").then().statusCode(200).body("featureKinds", contains(KINDS.toArray()));
        // without the declaration it is another schema
        put("cat-kinds", schema(null)).statusCode(409).body("detail", containsString("featureKinds"));
        // no declaration = every feature numerical, and saying so explicitly is the same schema
        put("cat-plain", schema(null))
                .statusCode(201)
                .body("featureKinds", contains("numerical", "numerical", "numerical"));
        put("cat-plain", schema(List.of("numerical", "numerical", "numerical"))).statusCode(200);
    }

    @Test
    void invalidFeatureKindsAre422NamingTheField() {
        put("cat-bad", schema(List.of("numerical", "categorical")))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("featureKinds"));
        put("cat-bad", schema(List.of("numerical", "ordinal", "numerical")))
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("featureKinds[1]"))
                .body("errors.message", hasItem(containsString("ordinal")));
        put("cat-bad", schema(Arrays.asList("numerical", null, "numerical")))
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("featureKinds[1]"));
        Map<String, Object> series = schema(KINDS);
        series.put("dataKind", "timeseries");
        put("cat-bad", series)
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("featureKinds[1]"))
                .body("errors.message", hasItem(containsString("only a 'features' data set")));
        given().get("/datasets/cat-bad").then().statusCode(404);
    }

    @Test
    void categoricalValuesAreCategoryCodesAndNeverOutliers() {
        String ds = "cat-codes";
        put(ds, schema(KINDS)).statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Map.of("outliers", Map.of("mode", "dataset")))
                .put("/datasets/" + ds + "/settings")
                .then()
                .statusCode(200);
        // every sample of the batch refused, each value named: not an integer, negative, beyond the largest code
        ingest(ds, List.of(new float[] {1f, 2.5f, 1f}, new float[] {1f, -1f, 1f}, new float[] {1f, 70_000f, 1f}))
                .statusCode(422)
                .body(
                        "errors.field",
                        contains("samples[0].features[1]", "samples[1].features[1]", "samples[2].features[1]"))
                .body("errors.message", hasItem(containsString("integer category code from 0 to 65535")));
        // 120 samples with gears 0..2: enough for the outlier check to judge the data set
        Random random = new Random(7);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            rows.add(new float[] {(float) random.nextGaussian(), i % 3, (float) random.nextGaussian()});
        }
        ingest(ds, rows).statusCode(201).body("accepted", equalTo(120));
        // a rare category far from the others' codes is data, not a glitch; a numerical value as far off is an outlier
        ingest(ds, List.of(new float[] {0.1f, 400f, 0.2f})).statusCode(201).body("accepted", equalTo(1));
        ingest(ds, List.of(new float[] {400f, 1f, 0.2f}))
                .statusCode(422)
                .body("errors.field", contains("samples[0].features[0]"))
                .body("errors[0].message", containsString("outlier"));
    }

    @Test
    void aSnapshotCarriesTheFeatureKindsInDataReady() throws Exception {
        String ds = "cat-ready";
        put(ds, schema(KINDS)).statusCode(201);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(new float[] {i * 0.1f, i % 4, 1f + i});
        }
        ingest(ds, rows).statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Map.of("trigger", "manual"))
                .post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(201);
        DataReady ready = DataReady.parseFrom(TestSupport.consume(
                        Topics.DATA_READY, r -> ds.equals(r.key()), seen -> !seen.isEmpty(), Duration.ofSeconds(30))
                .get(0)
                .value());
        assertEquals(KINDS, ready.getFeatureKindsList());

        // a data set without categorical features sends no kinds (empty = every feature numerical)
        String plain = "cat-ready-plain";
        put(plain, schema(null)).statusCode(201);
        ingest(plain, rows).statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Map.of("trigger", "manual"))
                .post("/datasets/" + plain + "/snapshots")
                .then()
                .statusCode(201);
        DataReady plainReady = DataReady.parseFrom(TestSupport.consume(
                        Topics.DATA_READY, r -> plain.equals(r.key()), seen -> !seen.isEmpty(), Duration.ofSeconds(30))
                .get(0)
                .value());
        assertEquals(List.of(), plainReady.getFeatureKindsList());
    }
}
