package io.edgeloop.compiler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The compilations REST API: recompiling a registered version on demand, and request errors answered as problems.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class CompilationsRestTest extends CompilerServiceTestBase {
    @Test
    void postRecompilesARegisteredVersionOnDemand() throws Exception {
        Setup s = setUp("on-demand", TestModels.matMulAddSoftmax(LINEAR));

        String id = given().contentType(ContentType.JSON)
                .body("{\"modelName\":\"on-demand\",\"modelVersion\":1}")
                .post("/compilations")
                .then()
                .statusCode(201)
                .header("Location", containsString("/compilations/"))
                .body("status", equalTo("SUCCEEDED"))
                .body("trigger", equalTo("api"))
                .body("snapshotId", equalTo("on-demand@v1"))
                .body("floatModel.graphNodes", equalTo(3))
                .extract()
                .path("id");

        ModelOptimized e = awaitOptimized(o -> o.getModelName().equals("on-demand"));
        assertEquals("corr-on-demand", e.getMeta().getCorrelationId());
        assertEquals("", e.getMeta().getCausationId());
        assertEquals(expectedAccuracy(s.validation()), e.getFloatAccuracy(), 1e-9);
        Compilation c = QuarkusTransaction.requiringNew().call(() -> Compilation.<Compilation>findById(id));
        assertEquals(e.getMeta().getEventId(), c.eventId);
    }

    @Test
    void restErrorsAreProblems() {
        given().get("/compilations/no-such-id")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("no-such-id"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/compilations")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("modelName", "modelVersion"));
        given().contentType(ContentType.JSON)
                .body("{\"modelName\":\"bad name!\",\"modelVersion\":0}")
                .post("/compilations")
                .then()
                .statusCode(422)
                .body("errors.size()", equalTo(2));
        given().contentType(ContentType.JSON)
                .body("{\"modelName\":\"unknown-model\",\"modelVersion\":7}")
                .post("/compilations")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("no version 7 of model unknown-model"));
        given().contentType(ContentType.JSON)
                .body("{\"modelName\":")
                .post("/compilations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().get("/compilations?limit=0").then().statusCode(422);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItems("compiler"))
                .body(
                        "checks.find { it.name == 'compiler' }.data.peak_memory_scope",
                        equalTo("session (isolated process)"));
    }
}
