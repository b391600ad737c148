package io.edgeloop.compiler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Hashing;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Models uploaded through {@code POST /models}: a foreign (not our trainer's) model registered, optimized and
 * validated, and malformed uploads refused with a 4xx that leaves nothing behind.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class ModelUploadsTest extends CompilerServiceTestBase {
    @Test
    void anUploadedForeignModelIsRegisteredOptimizedAndValidated() throws Exception {
        List<Sample> validation = snapshot("byom-data");
        // Sub/Div, MatMul + Add, Relu, MatMul + Add, Softmax: not our trainer's Gemm export
        byte[] foreign = io.edgeloop.compiler.testing.TestGraphs.matMulMlp(
                        TestModels.data(21, 2000), 32, TestModels.CLASSES, 5)
                .toByteArray();

        var body = given().contentType("application/octet-stream")
                .body(foreign)
                .post("/models?name=byom&dataset=byom-data&datasetVersion=1")
                .then()
                .statusCode(201)
                .header("Location", containsString("/compilations/"))
                .body("modelName", equalTo("byom"))
                .body("modelVersion", equalTo(1))
                .body("artifactSha256", equalTo(Hashing.sha256Hex(foreign)))
                .body("compilation.status", equalTo("SUCCEEDED"))
                .body("compilation.trigger", equalTo("upload"))
                .body("compilation.snapshotId", equalTo("byom-data@v1"))
                .body("compilation.floatModel.graphNodes", equalTo(8))
                .extract();
        assertEquals(1, registry.versionCount("byom"));
        assertTrue(artifacts.contains(Hashing.sha256Hex(foreign)));
        List<String> accepted = body.path("compilation.variants.findAll { it.status == 'ACCEPTED' }.target");
        assertTrue(
                accepted.containsAll(List.of("cpu-fp32-ortopt", "cpu-int8", "cpu-int8-dynamic")), accepted.toString());
        ModelOptimized e = awaitOptimized(o -> o.getModelName().equals("byom"));
        assertTrue(e.getFloatAccuracy() > 0.9, "float accuracy " + e.getFloatAccuracy());
        VariantSummary int8 = e.getVariantsList().stream()
                .filter(v -> v.getTarget().equals("cpu-int8"))
                .findFirst()
                .orElseThrow();
        assertTrue(int8.getAccuracyDelta() >= -0.01 && int8.getArgmaxAgreement() > 0.95, int8.toString());
        assertEquals("int8-static-qdq", int8.getQuantization());
        assertEquals(13, int8.getOpset());
        assertEquals("cpu-int8", int8.getEstimate().getTargetProfile());
        assertEquals(8 * 32 + 32 * 4, int8.getEstimate().getMacs());
        assertTrue(int8.getEstimate().getFits());
        assertEquals(
                e.getRecommendedVariantId(),
                e.getVariantsList().stream()
                        .filter(v -> v.getTarget().equals("cpu-fp32-ortopt"))
                        .findFirst()
                        .orElseThrow()
                        .getVariantId(),
                "the fp32 ortopt variant stays the recommended one");
        AddVariantRequest int8Call = registry.addVariantCalls("byom").stream()
                .filter(c -> c.getTarget().equals("cpu-int8"))
                .findFirst()
                .orElseThrow();
        assertEquals("uint8", int8Call.getSettingsOrThrow("activation_type"));
        assertEquals(
                Integer.toString(500 - validation.size()),
                int8Call.getSettingsOrThrow("calibration_samples"),
                "calibrated on the snapshot's TRAIN split");
        assertEquals(int8.getPeakMemoryBytes(), int8Call.getMetricsOrThrow("peak_memory_bytes"), 0.5);
        // measured in a child JVM of its own (the probe's class path works under @QuarkusTest's class loaders)
        assertEquals("session (isolated process)", int8Call.getSettingsOrThrow("peak_memory_scope"));
        assertTrue(int8.getPeakMemoryBytes() > 0, int8.toString());
        assertTrue(int8Call.getMetricsOrThrow("session_load_bytes") > 0);
        // the same upload again is idempotent in the registry (same version)
        given().contentType("application/octet-stream")
                .header("X-Model-Name", "byom")
                .header("X-Dataset", "byom-data")
                .header("X-Dataset-Version", "1")
                .body(foreign)
                .post("/models")
                .then()
                .statusCode(201)
                .body("modelVersion", equalTo(1));
    }

    @Test
    void aMalformedUploadIsA4xxAndLeavesNothingBehind() throws Exception {
        snapshot("bad-data");
        int artifactsBefore = artifacts.count();
        given().contentType("application/octet-stream")
                .body("definitely not onnx".getBytes())
                .post("/models?name=bad-upload&dataset=bad-data&datasetVersion=1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("not an ONNX model"));
        // ONNX protobuf, but a node reads a tensor nothing defines
        ai.onnx.proto.OnnxMl.ModelProto good =
                ai.onnx.proto.OnnxMl.ModelProto.parseFrom(TestModels.matMulAddSoftmax(LINEAR));
        byte[] broken = good.toBuilder()
                .setGraph(good.getGraph().toBuilder()
                        .setNode(1, good.getGraph().getNode(1).toBuilder().setInput(0, "ghost")))
                .build()
                .toByteArray();
        given().contentType("application/octet-stream")
                .body(broken)
                .post("/models?name=bad-upload&dataset=bad-data&datasetVersion=1")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("fails the ONNX checker"))
                .body("errors[0].message", containsString("'ghost' is not defined before use"));
        // a valid model with the wrong number of classes for the snapshot
        ValidationSet train = TestModels.data(5, 400);
        int[] threeLabels =
                java.util.Arrays.stream(train.labels()).map(l -> Math.min(l, 2)).toArray();
        byte[] fixedOutput = io.edgeloop.compiler.testing.TestGraphs.mlp(
                        new ValidationSet(train.features(), threeLabels), 8, 3, 1)
                .toByteArray();
        given().contentType("application/octet-stream")
                .body(fixedOutput)
                .post("/models?name=bad-upload&dataset=bad-data&datasetVersion=1")
                .then()
                .statusCode(422)
                .body("detail", containsString("outputs 3 classes, the snapshot has 4"));
        given().contentType("application/octet-stream")
                .body(TestModels.gemmSoftmax(LINEAR))
                .post("/models?name=bad-upload&dataset=no-such-data&datasetVersion=1")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().contentType("application/octet-stream")
                .body(new byte[0])
                .post("/models?name=bad%20name&datasetVersion=x")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("name", "dataset", "datasetVersion", "body"));

        assertEquals(0, registry.versionCount("bad-upload"), "no registry version");
        assertEquals(artifactsBefore, artifacts.count(), "no artifact");
        assertTrue(compilationsOf("bad-upload").isEmpty(), "no compilation row");
        java.nio.file.Path work = io.edgeloop.compiler.domain.CompilationService.workRoot(config);
        if (java.nio.file.Files.isDirectory(work)) {
            try (var left = java.nio.file.Files.list(work)) {
                assertEquals(
                        List.of(),
                        left.filter(p -> p.getFileName().toString().startsWith("upload-")
                                        || p.getFileName().toString().startsWith("memory-probe-"))
                                .toList(),
                        "no staged files, no probe scratch folders");
            }
        }
    }
}
