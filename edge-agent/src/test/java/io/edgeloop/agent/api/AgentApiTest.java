package io.edgeloop.agent.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelRuntime;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent's REST API with the simulator off and no control plane reachable: it starts, reports status and
 * answers 503 until a model is loaded, then serves inference and validates input.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentApiTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";

    @Inject
    ModelRuntime runtime;

    @Test
    @Order(1)
    void withoutModelItServesStatusAnd503() {
        given().get("/status")
                .then()
                .statusCode(200)
                .body("deviceId", equalTo("edge-1"))
                .body("modelName", nullValue())
                .body("connected", equalTo(false))
                .body("simulator.enabled", equalTo(false));
        given().contentType(ContentType.JSON)
                .body("{\"features\":[1,2,3,4,5,6,7,8]}")
                .post("/infer")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("status", equalTo(503));
        given().get("/q/health/ready").then().statusCode(503);
    }

    @Test
    @Order(2)
    void servesInferenceOnceAModelIsActive() throws Exception {
        Path file = Files.createTempFile("agent-api", ".onnx");
        Files.write(file, TestModels.constant(8, 4, 3, LABELS));
        var d = new ModelDescriptor(
                "dep-1", "vibration", 5, "vibration-v5-ort", "f".repeat(64), "onnx", List.of(), 0, Instant.now());
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));

        given().contentType(ContentType.JSON)
                .body("{\"features\":[0.3,0.28,0.2,0.9,3.0,3.0,25.0,40.0]}")
                .post("/infer")
                .then()
                .statusCode(200)
                .body("label", equalTo("bearing-fault"))
                .body("classIndex", equalTo(3))
                .body("probabilities", hasSize(4))
                .body("probabilities[3]", greaterThan(0.999f))
                .body("modelName", equalTo("vibration"))
                .body("modelVersion", equalTo(5))
                .body("variantId", equalTo("vibration-v5-ort"))
                .body("latencyUs", greaterThanOrEqualTo(0));
        given().get("/status")
                .then()
                .statusCode(200)
                .body("modelVersion", equalTo(5))
                .body("artifactSha256", equalTo("f".repeat(64)))
                .body("inferenceCount", equalTo(1));
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(3)
    void rejectsInvalidInputWith422() {
        given().contentType(ContentType.JSON)
                .body("{\"features\":[1,2,3]}")
                .post("/infer")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("features"));
        given().contentType(ContentType.JSON)
                .body("{\"features\":[1,2,1e400,4,5,6,7,-1e400]}")
                .post("/infer")
                .then()
                .statusCode(422)
                .body("errors.field", equalTo(List.of("features[2]", "features[7]")));
        given().contentType(ContentType.JSON)
                .body("{\"features\":[1,null,3,4,5,6,7,8]}")
                .post("/infer")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("features[1]"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/infer")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("features"));
        given().contentType(ContentType.JSON)
                .body("{\"features\":")
                .post("/infer")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    @Order(4)
    void simulatorSettingsChangeAtRunTime() {
        given().contentType(ContentType.JSON)
                .body("{\"drift\":\"sideways\",\"rate\":-1}")
                .put("/simulator")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("rate", "drift")));
        given().contentType(ContentType.JSON)
                .body("{\"drift\":\"remounted\",\"rate\":20}")
                .put("/simulator")
                .then()
                .statusCode(200)
                .body("drift", equalTo("remounted"))
                .body("rate", equalTo(20.0f))
                .body("enabled", equalTo(false));
        given().get("/simulator").then().statusCode(200).body("drift", equalTo("remounted"));
    }
}
