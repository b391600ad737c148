package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Duplicate handling per data set: by default ({@code keep}) repeated identical readings are all samples and only the
 * same batch or file sent again is a duplicate; {@code drop} makes identical features and label one sample.
 */
@QuarkusTest
class DuplicatesTest {
    /** A sensor at rest: the same reading three times, then movement. */
    private static final String READINGS = "f0,f1,label\n"
            + "0.5,0.5,normal\n"
            + "0.5,0.5,normal\n"
            + "0.5,0.5,normal\n"
            + "0.9,0.1,imbalance\n"
            + "0.5,0.5,normal\n";

    private static Map<String, Object> sample(double a, double b, String label) {
        return Map.of("features", List.of(a, b), "label", label);
    }

    @Test
    void repeatedReadingsAreKeptAndTheSameUploadIsStoredOnce() {
        TestSupport.createDataset("dup-keep", 2, "keep");
        given().get("/datasets/dup-keep/settings").then().statusCode(200).body("duplicates", equalTo("keep"));
        given().contentType("text/csv")
                .body(READINGS)
                .post("/datasets/dup-keep/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(5))
                .body("duplicates", equalTo(0));
        // the same file again (a retry): nothing new
        given().contentType("text/csv")
                .body(READINGS)
                .post("/datasets/dup-keep/samples/csv")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(5));
        assertEquals(5, TestSupport.sampleCount("dup-keep"));

        // a JSON batch with a reading twice: both kept; the batch sent again: stored once
        Map<String, Object> body = Map.of("samples", List.of(sample(0.5, 0.5, "normal"), sample(0.5, 0.5, "normal")));
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/datasets/dup-keep/samples")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(2));
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/datasets/dup-keep/samples")
                .then()
                .statusCode(200)
                .body("duplicates", equalTo(2));
        assertEquals(7, TestSupport.sampleCount("dup-keep"));
        // every reading is in the snapshot: the class balance is what the sensor saw
        var snapshot = given().post("/datasets/dup-keep/snapshots")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertEquals(
                7,
                snapshot.getLong("trainCount") + snapshot.getLong("validationCount") + snapshot.getLong("testCount"));
    }

    @Test
    void dropMakesIdenticalRowsOneSample() {
        TestSupport.createDataset("dup-drop", 2, "keep");
        given().contentType(ContentType.JSON)
                .body(Map.of("duplicates", "drop"))
                .put("/datasets/dup-drop/settings")
                .then()
                .statusCode(200)
                .body("duplicates", equalTo("drop"))
                .body("outliers.defaults", equalTo(true));
        given().contentType("text/csv")
                .body(READINGS)
                .post("/datasets/dup-drop/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(2))
                .body("duplicates", equalTo(3));
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(sample(0.5, 0.5, "normal"))))
                .post("/datasets/dup-drop/samples")
                .then()
                .statusCode(200)
                .body("duplicates", equalTo(1));
        assertEquals(2, TestSupport.sampleCount("dup-drop"));

        given().contentType(ContentType.JSON)
                .body(Map.of("duplicates", "sometimes"))
                .put("/datasets/dup-drop/settings")
                .then()
                .statusCode(422)
                .body("errors.field", contains("duplicates"));
        given().contentType(ContentType.JSON)
                .body(Map.of())
                .put("/datasets/dup-drop/settings")
                .then()
                .statusCode(422);
    }
}
