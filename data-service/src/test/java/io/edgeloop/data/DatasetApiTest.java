package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dataset schema endpoints. The embedded servers declared here serve every test class. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DatasetApiTest {
    private static final Map<String, Object> SCHEMA =
            Map.of("featureNames", List.of("ax", "ay", "az"), "labels", List.of("normal", "imbalance"));

    @Test
    void createIsIdempotentAndADifferentSchemaConflicts() {
        given().contentType(ContentType.JSON)
                .body(SCHEMA)
                .put("/datasets/vib-schema")
                .then()
                .statusCode(201)
                .header("Location", containsString("/datasets/vib-schema"))
                .body("name", equalTo("vib-schema"))
                .body("featureNames", contains("ax", "ay", "az"))
                .body("labels", contains("normal", "imbalance"))
                .body("sampleCount", equalTo(0))
                .body("latestVersion", nullValue());

        given().contentType(ContentType.JSON)
                .body(SCHEMA)
                .put("/datasets/vib-schema")
                .then()
                .statusCode(200)
                .body("name", equalTo("vib-schema"));

        // same features, labels in another order: a different schema
        given().contentType(ContentType.JSON)
                .body(Map.of("featureNames", List.of("ax", "ay", "az"), "labels", List.of("imbalance", "normal")))
                .put("/datasets/vib-schema")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("different schema"));

        given().get("/datasets/vib-schema").then().statusCode(200).body("labels", contains("normal", "imbalance"));
        given().get("/datasets").then().statusCode(200).body("name", hasItem("vib-schema"));
    }

    @Test
    void invalidSchemasListEveryProblem() {
        given().contentType(ContentType.JSON)
                .body(Map.of("featureNames", List.of("ax", "ax", "bad name ", "label"), "labels", List.of("only")))
                .put("/datasets/vib-bad")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("featureNames[1]", "featureNames[2]", "labels", "featureNames[3]"))
                .body("errors[0].message", equalTo("duplicate 'ax'"))
                .body("errors[2].message", equalTo("expected 2 to 1000 entries, got 1"));
        given().get("/datasets/vib-bad").then().statusCode(404);

        given().contentType(ContentType.JSON)
                .body(Map.of("labels", List.of("a", "b")))
                .put("/datasets/vib-bad")
                .then()
                .statusCode(422)
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo("featureNames"))
                .body("errors[0].message", equalTo("required"));
    }

    @Test
    void badNamesAndMalformedBodiesAre400() {
        given().contentType(ContentType.JSON)
                .body(SCHEMA)
                .put("/datasets/Upper_Case")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("invalid dataset name"));
        given().contentType(ContentType.JSON)
                .body("{\"featureNames\": [")
                .put("/datasets/vib-malformed")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void readinessCoversDatabaseKafkaGrpcAndOutbox() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("outbox"));
    }

    @Test
    void unknownDatasetsAre404Everywhere() {
        given().get("/datasets/nope").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(Map.of("features", List.of(1), "label", "normal"))))
                .post("/datasets/nope/samples")
                .then()
                .statusCode(404);
        given().contentType("text/csv")
                .body("ax,label\n1,normal\n")
                .post("/datasets/nope/samples/csv")
                .then()
                .statusCode(404);
        given().contentType(ContentType.JSON)
                .post("/datasets/nope/snapshots")
                .then()
                .statusCode(404);
        given().get("/datasets/nope/snapshots").then().statusCode(404);
        given().get("/datasets/nope/snapshots/1").then().statusCode(404);
    }
}
