package io.edgeloop.agent.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.TestOrt;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KServe v2 / Open Inference Protocol REST conformance: every endpoint with its documented JSON (server and model
 * metadata, health and readiness as status codes with empty bodies, inference with typed, nested or flat data,
 * requested outputs, id echo) and its error shape {@code {"error": "..."}}; the loop's 1D-CNN and 2D-CNN shapes, a
 * model with a state input (default) and an int64 input; the single-sample {@code /infer} convenience per model.
 */
@QuarkusTest
class KServeRestTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";
    private static final byte[] CNN1 = TestModels.flattenLinear(new long[] {4, 10}, 4, 21, LABELS);
    private static final byte[] CNN2 = TestModels.flattenLinear(new long[] {1, 8, 8}, 4, 22, LABELS);

    @Inject
    ModelRuntime runtime;

    @BeforeEach
    @AfterEach
    void unload() {
        runtime.close();
    }

    private void activate(String name, byte[] bytes, ModelDescriptor d) throws Exception {
        Path file = Files.createTempFile(name, ".onnx");
        Files.write(file, bytes);
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
    }

    private void activateAll() throws Exception {
        activate("cnn1d", CNN1, descriptor("cnn1d", 1));
        activate("cnn2d", CNN2, descriptor("cnn2d", 3));
        activate("rnn", TestModels.stateful(), descriptor("rnn", 1).withInputs("x", Map.of("state", 0.5)));
    }

    private static ModelDescriptor descriptor(String name, int version) {
        return new ModelDescriptor(
                "dep-" + name,
                name,
                version,
                name + "-v" + version,
                "a".repeat(64),
                "onnx",
                List.of(),
                0,
                Instant.now());
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static List<Float> list(float[] x) {
        List<Float> l = new ArrayList<>();
        for (float v : x) {
            l.add(v);
        }
        return l;
    }

    private static ValidatableResponse error(ValidatableResponse r, int status) {
        return r.statusCode(status)
                .contentType(ContentType.JSON)
                .body("$", aMapWithSize(1))
                .body("error", not(emptyString()));
    }

    @Test
    void healthAndMetadataWithoutModels() {
        given().get("/v2/health/live").then().statusCode(200).body(emptyString());
        given().get("/v2/health/ready").then().statusCode(400).body(emptyString());
        given().get("/v2")
                .then()
                .statusCode(200)
                .body("name", equalTo("edge-agent"))
                .body("version", not(emptyString()))
                .body("extensions", hasSize(0));
        error(given().get("/v2/models/cnn1d").then(), 404);
        given().get("/v2/models/cnn1d/ready").then().statusCode(404);
        error(
                given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/v2/models/cnn1d/infer")
                        .then(),
                404);
    }

    @Test
    void metadataAndReadinessOfEveryServedModel() throws Exception {
        activateAll();
        given().get("/v2/health/ready").then().statusCode(200).body(emptyString());
        given().get("/v2/models/cnn1d")
                .then()
                .statusCode(200)
                .body("name", equalTo("cnn1d"))
                .body("versions", equalTo(List.of("1")))
                .body("platform", equalTo("onnxruntime_onnx"))
                .body("inputs", hasSize(1))
                .body("inputs[0].name", equalTo("input"))
                .body("inputs[0].datatype", equalTo("FP32"))
                .body("inputs[0].shape", equalTo(List.of(-1, 4, 10)))
                .body("outputs[0].name", equalTo("probabilities"))
                .body("outputs[0].shape", equalTo(List.of(-1, 4)));
        given().get("/v2/models/cnn2d/versions/3")
                .then()
                .statusCode(200)
                .body("inputs[0].shape", equalTo(List.of(-1, 1, 8, 8)));
        given().get("/v2/models/rnn")
                .then()
                .statusCode(200)
                .body("inputs.name", equalTo(List.of("x", "state", "step")))
                .body("inputs.datatype", equalTo(List.of("FP32", "FP32", "INT64")))
                .body("outputs.name", equalTo(List.of("y", "new_state")));
        error(given().get("/v2/models/cnn2d/versions/2").then(), 404);
        error(given().get("/v2/models/nope").then(), 404);
        given().get("/v2/models/cnn1d/ready").then().statusCode(200).body(emptyString());
        given().get("/v2/models/cnn2d/versions/3/ready").then().statusCode(200);
        given().get("/v2/models/cnn2d/versions/4/ready").then().statusCode(404);
        given().get("/v2/models/nope/ready").then().statusCode(404);
    }

    @Test
    void infersNestedAndFlatTensorsLikeOnnxRuntime() throws Exception {
        activateAll();
        float[] x1 = gaussian(40, 1);
        List<List<Float>> nested = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            nested.add(list(java.util.Arrays.copyOfRange(x1, c * 10, c * 10 + 10)));
        }
        float[] expected1 = TestOrt.run(CNN1, "input", x1, new long[] {1, 4, 10});
        List<Float> got1 = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "id", "req-7",
                        "parameters", Map.of("trace", "x"),
                        "inputs",
                                List.of(Map.of(
                                        "name",
                                        "input",
                                        "shape",
                                        List.of(1, 4, 10),
                                        "datatype",
                                        "FP32",
                                        "data",
                                        List.of(nested)))))
                .post("/v2/models/cnn1d/infer")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("model_name", equalTo("cnn1d"))
                .body("model_version", equalTo("1"))
                .body("id", equalTo("req-7"))
                .body("outputs", hasSize(1))
                .body("outputs[0].name", equalTo("probabilities"))
                .body("outputs[0].datatype", equalTo("FP32"))
                .body("outputs[0].shape", equalTo(List.of(1, 4)))
                .extract()
                .path("outputs[0].data");
        for (int i = 0; i < 4; i++) {
            assertEquals(expected1[i], got1.get(i), 1e-6);
        }

        float[] x2 = gaussian(128, 2);
        float[] expected2 = TestOrt.run(CNN2, "input", x2, new long[] {2, 1, 8, 8});
        List<Float> got2 = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "inputs",
                                List.of(Map.of(
                                        "name",
                                        "input",
                                        "shape",
                                        List.of(2, 1, 8, 8),
                                        "datatype",
                                        "FP32",
                                        "data",
                                        list(x2))),
                        "outputs", List.of(Map.of("name", "probabilities"))))
                .post("/v2/models/cnn2d/versions/3/infer")
                .then()
                .statusCode(200)
                .body("$", not(hasKey("id")))
                .body("outputs[0].shape", equalTo(List.of(2, 4)))
                .extract()
                .path("outputs[0].data");
        for (int i = 0; i < 8; i++) {
            assertEquals(expected2[i], got2.get(i), 1e-6);
        }
    }

    @Test
    void aStateInputMayBeLeftOutAndInt64InputsAreTyped() throws Exception {
        activateAll();
        Map<String, Object> x =
                Map.of("name", "x", "shape", List.of(1, 3), "datatype", "FP32", "data", List.of(1, 2, 3));
        Map<String, Object> step =
                Map.of("name", "step", "shape", List.of(1, 1), "datatype", "INT64", "data", List.of(List.of(2)));
        // state left out: 0.5 everywhere (sum 1.0); y = 2x + step + 1
        given().contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(x, step)))
                .post("/v2/models/rnn/infer")
                .then()
                .statusCode(200)
                .body("outputs.name", equalTo(List.of("y", "new_state")))
                .body("outputs[0].data", equalTo(List.of(5.0f, 7.0f, 9.0f)))
                .body("outputs[1].data", equalTo(List.of(1.5f, 1.5f)));
        Map<String, Object> state =
                Map.of("name", "state", "shape", List.of(1, 2), "datatype", "FP32", "data", List.of(3, 4));
        given().contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(x, state, step), "outputs", List.of(Map.of("name", "new_state"))))
                .post("/v2/models/rnn/infer")
                .then()
                .statusCode(200)
                .body("outputs", hasSize(1))
                .body("outputs[0].name", equalTo("new_state"))
                .body("outputs[0].data", equalTo(List.of(4.0f, 5.0f)));
        // only x: the feature input is enough
        given().contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(x)))
                .post("/v2/models/rnn/infer")
                .then()
                .statusCode(200)
                .body("outputs[0].data", equalTo(List.of(3.0f, 5.0f, 7.0f)));
    }

    @Test
    void badRequestsGetTheProtocolsErrorShape() throws Exception {
        activateAll();
        String path = "/v2/models/rnn/infer";
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"inputs\":", "malformed JSON"),
                Map.entry("[]", "JSON object"),
                Map.entry("{}", "'inputs'"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP8\",\"data\":[1,2,3]}]}", "FP8"),
                Map.entry("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\"}]}", "data"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}",
                        "shape"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}",
                        "needs 6 values"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP64\",\"data\":[1,2,3]}]}",
                        "datatype FP64, expected FP32"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"h\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}",
                        "unknown input"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]},"
                                + "{\"name\":\"step\",\"shape\":[1,1],\"datatype\":\"INT64\",\"data\":[1.5]}]}",
                        "INT64"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,\"a\",3]}]}",
                        "data[1]"),
                Map.entry(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}],"
                                + "\"outputs\":[{\"name\":\"h\"}]}",
                        "unknown output"));
        for (var c : cases.entrySet()) {
            error(
                            given().contentType(ContentType.JSON)
                                    .body(c.getKey())
                                    .post(path)
                                    .then(),
                            400)
                    .body("error", containsString(c.getValue()));
        }
        String ok = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";
        error(
                given().contentType(ContentType.JSON)
                        .body(ok)
                        .post("/v2/models/nope/infer")
                        .then(),
                404);
        error(
                given().contentType(ContentType.JSON)
                        .body(ok)
                        .post("/v2/models/rnn/versions/9/infer")
                        .then(),
                404);
        given().contentType(ContentType.JSON)
                .body(ok)
                .post("/v2/models/rnn/versions/1/infer")
                .then()
                .statusCode(200);
    }

    @Test
    void singleSampleInferAddressesAnyModel() throws Exception {
        activateAll();
        float[] x = gaussian(40, 3);
        float[] expected = TestOrt.run(CNN1, "input", x, new long[] {1, 4, 10});
        int best = 0;
        for (int i = 1; i < 4; i++) {
            best = expected[i] > expected[best] ? i : best;
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("features", list(x)))
                .post("/infer?model=cnn1d")
                .then()
                .statusCode(200)
                .body("modelName", equalTo("cnn1d"))
                .body("classIndex", equalTo(best))
                .body("label", equalTo(LABELS.split(",")[best]))
                .body("inferenceId", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"))
                .body("outputs[0].shape", equalTo(List.of(1, 4)));
        // the caller's id names the inference (feedback is given under it); a bad one is a 422 naming "id"
        given().contentType(ContentType.JSON)
                .body(Map.of("features", list(x), "id", "order-17"))
                .post("/infer?model=cnn1d")
                .then()
                .statusCode(200)
                .body("inferenceId", equalTo("order-17"));
        given().contentType(ContentType.JSON)
                .body(Map.of("features", list(x), "id", 17))
                .post("/infer?model=cnn1d")
                .then()
                .statusCode(422)
                .body(containsString("\"id\""));
        // KServe v2: an id that is not a usable string is a 400
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "id",
                        " ",
                        "inputs",
                        List.of(Map.of(
                                "name", "input", "shape", List.of(1, 4, 10), "datatype", "FP32", "data", list(x)))))
                .post("/v2/models/cnn1d/infer")
                .then()
                .statusCode(400)
                .body("error", containsString("id:"));
        List<List<List<Float>>> image = new ArrayList<>();
        image.add(new ArrayList<>());
        for (int r = 0; r < 8; r++) {
            image.get(0).add(list(gaussian(8, r)));
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("features", image))
                .post("/models/cnn2d/infer")
                .then()
                .statusCode(200)
                .body("modelName", equalTo("cnn2d"))
                .body("probabilities", hasSize(4));
        given().contentType(ContentType.JSON)
                .body(Map.of("features", List.of(1, 2, 3)))
                .post("/models/rnn/infer")
                .then()
                .statusCode(200)
                .body("label", nullValue())
                .body("outputs[0].data", equalTo(List.of(3.0f, 5.0f, 7.0f)));
        // no default configured: the first by name
        given().contentType(ContentType.JSON)
                .body(Map.of("features", list(x)))
                .post("/infer")
                .then()
                .statusCode(200)
                .body("modelName", equalTo("cnn1d"));
        given().contentType(ContentType.JSON)
                .body(Map.of("features", List.of(1, 2)))
                .post("/models/cnn2d/infer")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("features"));
        given().contentType(ContentType.JSON)
                .body(Map.of("features", List.of(1, 2)))
                .post("/models/nope/infer")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().get("/status")
                .then()
                .statusCode(200)
                .body("modelName", equalTo("cnn1d"))
                .body("models.modelName", equalTo(List.of("cnn1d", "cnn2d", "rnn")))
                .body("models[1].featureCount", equalTo(64))
                .body("models[1].outputKind", equalTo("classification"))
                .body("models[2].outputKind", equalTo("tensor"))
                .body("models[2].inputs.datatype", hasItems("INT64"));
    }
}
