package io.edgeloop.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.TestArtifacts;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RestApiTest {
    private static final String PROBLEM = "application/problem+json";

    @GrpcClient("self")
    Channel artifacts;

    @GrpcClient("self")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Test
    void listsAndGetsModelsWithVersionsLineageAndVariants() {
        String model = "rest-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] data = TestArtifacts.randomBytes(20_000, 31);
        String sha = TestArtifacts.upload(artifacts, data).getSha256();
        registry.registerVersion(RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .addClassLabels("normal")
                .addClassLabels("fault")
                .putMetrics("accuracy", 0.9)
                .setFeatureCount(4)
                .setArchitecture("mlp")
                .setLineage(Lineage.newBuilder()
                        .setDatasetName("vib")
                        .setDatasetVersion(1)
                        .setSnapshotId("s1")
                        .setTrainingRunId("r1")
                        .setCorrelationId("c1"))
                .build());
        registry.registerVersion(RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .putMetrics("accuracy", 0.95)
                .setFeatureCount(4)
                .build());
        registry.addVariant(AddVariantRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(2)
                .setTarget("cpu-int8")
                .setFormat("ort")
                .setArtifactSha256(sha)
                .putMetrics("latencyUs", 15.0)
                .putSettings("quantization", "qdq")
                .build());

        given().get("/models")
                .then()
                .statusCode(200)
                .body("find { it.name == '" + model + "' }.latestVersion", equalTo(2))
                .body("name", hasItem(model));

        given().get("/models/" + model)
                .then()
                .statusCode(200)
                .body("name", equalTo(model))
                .body("latestVersion", equalTo(2))
                .body("latest.version", equalTo(2))
                .body("createdAt", notNullValue());

        given().get("/models/" + model + "/versions")
                .then()
                .statusCode(200)
                .body("version", contains(1, 2))
                .body("[0].modelName", equalTo(model))
                .body("[0].artifactSha256", equalTo(sha))
                .body("[0].sizeBytes", equalTo(data.length))
                .body("[0].classLabels", contains("normal", "fault"))
                .body("[0].metrics.accuracy", equalTo(0.9f))
                .body("[0].lineage.datasetName", equalTo("vib"))
                .body("[0].lineage.snapshotId", equalTo("s1"))
                .body("[0].lineage.trainingRunId", equalTo("r1"))
                .body("[0].lineage.correlationId", equalTo("c1"))
                .body("[0].lineage.parentVersion", equalTo(0))
                .body("[1].lineage.parentVersion", equalTo(1))
                .body("[0].variants", hasSize(0))
                .body("[1].variants[0].variantId", equalTo(model + "-v2-cpu-int8"))
                .body("[1].variants[0].format", equalTo("ort"))
                .body("[1].variants[0].settings.quantization", equalTo("qdq"))
                .body("[1].variants[0].metrics.latencyUs", equalTo(15.0f));

        given().get("/models/" + model + "/versions/latest")
                .then()
                .statusCode(200)
                .body("version", equalTo(2))
                .body("variants", hasSize(1));
        given().get("/models/" + model + "/versions/1")
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("architecture", equalTo("mlp"));
    }

    @Test
    void missingAndMalformedModelRequestsAreProblems() {
        given().get("/models/no-such-model")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("status", equalTo(404));
        given().get("/models/no-such-model/versions").then().statusCode(404).contentType(PROBLEM);
        given().get("/models/no-such-model/versions/latest")
                .then()
                .statusCode(404)
                .contentType(PROBLEM);

        String model = "rest-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = TestArtifacts.upload(artifacts, TestArtifacts.randomBytes(100, 32))
                .getSha256();
        registry.registerVersion(RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .build());
        given().get("/models/" + model + "/versions/7")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("detail", equalTo("no version 7 of model " + model));
        given().get("/models/" + model + "/versions/abc")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("title", equalTo("Bad Request"));
        given().get("/models/" + model + "/versions/0").then().statusCode(400).contentType(PROBLEM);
        given().get("/models/-bad/versions").then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void downloadsArtifactsOverHttp() {
        byte[] data = TestArtifacts.randomBytes(300_000, 33);
        String sha = TestArtifacts.upload(artifacts, data).getSha256();

        var response = given().get("/artifacts/" + sha)
                .then()
                .statusCode(200)
                .contentType("application/octet-stream")
                .header("ETag", "\"" + sha + "\"")
                .header("Content-Length", String.valueOf(data.length))
                .extract()
                .asByteArray();
        assertArrayEquals(data, response);

        given().header("If-None-Match", "\"" + sha + "\"")
                .get("/artifacts/" + sha)
                .then()
                .statusCode(304);

        byte[] tail = given().header("Range", "bytes=100000-")
                .get("/artifacts/" + sha)
                .then()
                .statusCode(206)
                .header("Content-Range", "bytes 100000-299999/300000")
                .extract()
                .asByteArray();
        assertArrayEquals(Arrays.copyOfRange(data, 100_000, data.length), tail);
        given().header("Range", "bytes=300000-")
                .get("/artifacts/" + sha)
                .then()
                .statusCode(416)
                .contentType(PROBLEM);

        given().get("/artifacts/" + Hashing.sha256Hex("absent".getBytes()))
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("status", equalTo(404));
        given().get("/artifacts/not-a-digest")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("status", equalTo(400));
    }
}
