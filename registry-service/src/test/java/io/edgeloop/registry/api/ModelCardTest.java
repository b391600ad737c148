package io.edgeloop.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.edgeloop.common.Events;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.events.v1.ClassMetrics;
import io.edgeloop.proto.events.v1.Metrics;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.registry.tracking.TrainingRunRecorder;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The model card of a version: its figures from the registered version and the recorded training run (per-class test
 * figures and balance), its variants' accuracy cost, stated and derived limitations, promotions; JSON and Markdown.
 */
@QuarkusTest
class ModelCardTest {
    @GrpcClient("self")
    Channel artifacts;

    @GrpcClient("self")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Inject
    TrainingRunRecorder runs;

    @Test
    void aCardStatesDataFiguresVariantsLimitationsAndWhoPromotedIt() {
        String model = "card-" + UUID.randomUUID().toString().substring(0, 8);
        String runId = "run-" + model;
        String sha = TestArtifacts.upload(artifacts, TestArtifacts.randomBytes(10_000, 7))
                .getSha256();
        registry.registerVersion(RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .addClassLabels("normal")
                .addClassLabels("fault")
                .putMetrics("test_accuracy", 0.9)
                .setFeatureCount(4)
                .setArchitecture("mlp-16")
                .setLineage(Lineage.newBuilder()
                        .setDatasetName("vib")
                        .setDatasetVersion(3)
                        .setSnapshotId("vib@v3")
                        .setTrainingRunId(runId))
                .build());
        runs.record(
                ModelTrained.newBuilder()
                        .setMeta(Events.newMeta("training-service", "c", ""))
                        .setModelName(model)
                        .setModelVersion(1)
                        .setTrainingRunId(runId)
                        .setDatasetName("vib")
                        .setDatasetVersion(3)
                        .setSnapshotId("vib@v3")
                        .setArchitecture("mlp-16")
                        .setParameterCount(1234)
                        .setSpec(TrainingSpec.newBuilder().setMaxEpochs(20).setLearningRate(0.01))
                        .setTestMetrics(Metrics.newBuilder()
                                .setAccuracy(0.9)
                                .setSampleCount(120)
                                .addPerClass(ClassMetrics.newBuilder()
                                        .setLabel("normal")
                                        .setPrecision(0.88)
                                        .setRecall(0.98)
                                        .setF1(0.93)
                                        .setSupport(100))
                                .addPerClass(ClassMetrics.newBuilder()
                                        .setLabel("fault")
                                        .setPrecision(0.93)
                                        .setRecall(0.65)
                                        .setF1(0.76)
                                        .setSupport(20)))
                        .setValidationMetrics(
                                Metrics.newBuilder().setAccuracy(0.9).setSampleCount(60))
                        .build(),
                System.currentTimeMillis());
        registry.addVariant(AddVariantRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(1)
                .setTarget("cpu-int8")
                .setFormat("onnx")
                .setArtifactSha256(sha)
                .putMetrics("accuracy", 0.86)
                .putMetrics("accuracy_delta", -0.04)
                .putMetrics("latency_p50_us", 12.5)
                .build());
        String ml = TestAuth.bearer("mia", Roles.ML);
        given().header("Authorization", ml)
                .contentType("application/json")
                .body(Map.of("value", "Bearing faults of 50 Hz pumps, mounted as in the data set."))
                .put("/models/" + model + "/versions/1/tags/intended_use")
                .then()
                .statusCode(200);
        given().header("Authorization", TestAuth.bearer("rita", Roles.RELEASE))
                .contentType("application/json")
                .body(Map.of("version", 1, "reason", "passed the bench"))
                .put("/models/" + model + "/aliases/champion")
                .then()
                .statusCode(200);

        given().get("/models/" + model + "/versions/latest/card")
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("intendedUse", containsString("50 Hz pumps"))
                .body("overview.parameterCount", equalTo(1234))
                .body("overview.hyperparameters.max_epochs", equalTo("20"))
                .body("trainingData.snapshotId", equalTo("vib@v3"))
                .body("trainingData.testSamples", equalTo(120))
                .body("trainingData.testClassBalance.fault", equalTo(20))
                .body("perClass", hasSize(2))
                .body("perClass[1].recall", equalTo(0.65f))
                .body("variants[0].accuracyCost", equalTo(0.04f))
                .body("limitations", hasItem(containsString("Class 'fault' is recognised in only 65%")))
                .body("limitations", hasItem(containsString("Class 'fault' has 20 test samples")))
                .body("limitations", hasItem(containsString("Variant cpu-int8 (onnx) loses 0.040")))
                .body("limitations", not(hasItem(containsString("No intended use"))))
                .body("provenance.promotions[0].alias", equalTo("champion"))
                .body("provenance.promotions[0].actor", equalTo("rita"))
                .body("provenance.promotions[0].reason", equalTo("passed the bench"))
                .body("livePerformance", containsString("/models/" + model + "/performance"));

        String md = given().header("Accept", "text/markdown")
                .get("/models/" + model + "/versions/1/card")
                .then()
                .statusCode(200)
                .contentType(containsString("text/markdown"))
                .extract()
                .asString();
        org.junit.jupiter.api.Assertions.assertTrue(md.startsWith("# Model card: " + model + " v1"), md);
        org.junit.jupiter.api.Assertions.assertTrue(md.contains("| fault | 0.9300 | 0.6500 | 0.7600 | 20 |"), md);
        org.junit.jupiter.api.Assertions.assertTrue(md.contains("Alias `champion` set by rita"), md);
    }

    @Test
    void anUploadedModelsCardSaysWhatIsUnknown() {
        String model = "card-up-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = TestArtifacts.upload(artifacts, TestArtifacts.randomBytes(5_000, 9))
                .getSha256();
        registry.registerVersion(RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .setFeatureCount(3)
                .build());
        given().get("/models/" + model + "/versions/1/card")
                .then()
                .statusCode(200)
                .body("intendedUse", nullValue())
                .body("perClass", hasSize(0))
                .body("limitations", hasItem(containsString("No intended use is stated")))
                .body("limitations", hasItem(containsString("no training run")))
                .body("limitations", hasItem(containsString("No lineage")));
        given().get("/models/" + model + "/versions/2/card").then().statusCode(404);
        given().get("/models/" + model + "/versions/zero/card")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer nonsense")
                .get("/models/" + model + "/versions/1/card")
                .then()
                .statusCode(401);
    }
}
