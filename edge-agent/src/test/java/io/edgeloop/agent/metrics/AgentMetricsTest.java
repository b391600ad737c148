package io.edgeloop.agent.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's {@code /q/metrics} after real inferences on two served models: good ones (one a batch of two samples),
 * input the model refuses (the caller's error) and an ONNX Runtime failure; scraped as Prometheus would, with a
 * {@code viewer} token (anonymous 401, a device credential 403, admin allowed).
 */
@QuarkusTest
class AgentMetricsTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";

    @Inject
    ModelRuntime runtime;

    @BeforeEach
    void loadModels() throws Exception {
        runtime.close();
        activate("metrics-clf", TestModels.constant(8, 4, 3, LABELS));
        activate("metrics-reshape", TestModels.reshapeTo3());
    }

    @AfterEach
    void unload() {
        runtime.close();
    }

    @Test
    void inferencesErrorsAndLatencyPerModel() {
        String before = scrape(TestAuth.bearer("prometheus", Roles.VIEWER));
        assertEquals(2.0, value(before, "edgeloop_device_models_loaded", ""), 0.0);
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON)
                    .body("{\"features\":[1,2,3,4,5,6,7,8]}")
                    .post("/models/metrics-clf/infer")
                    .then()
                    .statusCode(200);
        }
        // a batch of two samples over KServe v2: one call, two inferences
        given().contentType(ContentType.JSON)
                .body("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[2,8],"
                        + "\"data\":[1,2,3,4,5,6,7,8,1,2,3,4,5,6,7,8]}]}")
                .post("/v2/models/metrics-clf/infer")
                .then()
                .statusCode(200);
        // the caller's input errors: a wrong element count, twice
        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON)
                    .body("{\"features\":[1,2,3]}")
                    .post("/models/metrics-clf/infer")
                    .then()
                    .statusCode(422);
        }
        // a runtime failure: 4 elements cannot be reshaped to [-1, 3]
        given().contentType(ContentType.JSON)
                .body("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}")
                .post("/v2/models/metrics-reshape/infer")
                .then()
                .statusCode(500);

        String text = scrape("Bearer " + TestAuth.adminToken());
        String clf = "model=\"metrics-clf\"";
        assertEquals(5.0, value(text, "edgeloop_device_inferences_total", clf + ",source=\"live\""), 0.0, text);
        assertEquals(4.0, value(text, "edgeloop_device_inference_duration_seconds_count", clf), 0.0, text);
        assertTrue(value(text, "edgeloop_device_inference_duration_seconds_sum", clf) > 0, text);
        assertEquals(
                4.0,
                value(text, "edgeloop_device_inference_duration_seconds_bucket", clf + ",le=\"1.0\""),
                0.0,
                "every call within 1 s: " + text);
        assertEquals(2.0, value(text, "edgeloop_device_inference_errors_total", "kind=\"input\"," + clf), 0.0, text);
        assertEquals(
                1.0,
                value(text, "edgeloop_device_inference_errors_total", "kind=\"runtime\",model=\"metrics-reshape\""),
                0.0,
                text);
        assertEquals(-1, value(text, "edgeloop_device_inferences_total", "model=\"metrics-reshape\""), 0.0, text);
        assertEquals(-1, value(text, "edgeloop_device_inference_errors_total", "kind=\"runtime\"," + clf), 0.0);
        for (String outcome : List.of("shipped", "refused", "spool_full", "queue_full")) {
            assertTrue(
                    value(text, "edgeloop_device_telemetry_windows_total", "outcome=\"" + outcome + "\"") >= 0,
                    outcome + ": " + text);
        }
    }

    @Test
    void aViewerMayScrapeNobodyElse() {
        given().header("Authorization", TestAuth.ANONYMOUS)
                .get("/q/metrics")
                .then()
                .statusCode(401);
        given().header("Authorization", TestAuth.deviceBearer("edge-1"))
                .get("/q/metrics")
                .then()
                .statusCode(403);
        given().header("Authorization", TestAuth.bearer("ml-user", Roles.ML))
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .contentType(containsText("text/plain"));
    }

    private static org.hamcrest.Matcher<String> containsText(String s) {
        return org.hamcrest.Matchers.containsString(s);
    }

    private static String scrape(String authorization) {
        return given().header("Authorization", authorization)
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .contentType(containsText("text/plain"))
                .extract()
                .asString();
    }

    /** The value of the sample {@code name{labels}} (labels as Prometheus orders them), or -1 when absent. */
    static double value(String text, String name, String labels) {
        String series = labels.isEmpty() ? name : name + "{" + labels;
        Matcher m = Pattern.compile(
                        "(?m)^" + Pattern.quote(series) + (labels.isEmpty() ? "" : "[,}][^ ]*") + " ([0-9.eE+-]+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private void activate(String name, byte[] bytes) throws Exception {
        Path file = Files.createTempFile(name, ".onnx");
        Files.write(file, bytes);
        var d = new ModelDescriptor(
                "dep-" + name, name, 1, name + "-v1", "b".repeat(64), "onnx", List.of(), 0, Instant.now());
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
    }
}
