package io.edgeloop.compiler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.compiler.domain.CompilationService;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.PromotionEvidence;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bring-your-own models with several inputs and outputs through the REST API, refusals that name the model, and
 * promotion evidence against the registry's production version, with real Kafka, PostgreSQL and ONNX Runtime.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class UploadsAndPromotionTest extends CompilerTestBase {
    static VariantSummary variant(ModelOptimized e, String target) {
        return e.getVariantsList().stream()
                .filter(v -> v.getTarget().equals(target))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + target + " in " + e.getVariantsList()));
    }

    @Test
    void anUploadWithAStateInputAnInt64InputAndTwoOutputsIsRegisteredCompiledAndSigned() {
        snapshot("rnn-data", false, Split.VALIDATION);
        byte[] model = TestGraphs.recurrent(TestModels.data(21, 1500), 32, TestModels.CLASSES, 5)
                .toByteArray();

        var body = given().contentType("application/octet-stream")
                .queryParam("name", "rnn")
                .queryParam("dataset", "rnn-data")
                .queryParam("datasetVersion", 1)
                .queryParam("inputDefaults", "{\"step\": 3}")
                .body(model)
                .post("/models")
                .then()
                .statusCode(201)
                .body("modelName", equalTo("rnn"))
                .body("compilation.status", equalTo("SUCCEEDED"))
                .body("compilation.trigger", equalTo("upload"))
                .body("compilation.promotion.split", equalTo("validation"))
                .body("compilation.promotion.championVersion", equalTo(0))
                .body(
                        "compilation.variants.find { it.target == 'cpu-fp32-ortopt' }.settings.inputs",
                        equalTo("features:FP32[-1,8];state:FP32[-1,16];step:INT64[-1,1]"))
                .extract();
        // static int8 is calibrated with every input fed (features from TRAIN, state 0, step 3)
        String int8Reason = body.path("compilation.variants.find { it.target == 'cpu-int8' }.reason");
        String int8Status = body.path("compilation.variants.find { it.target == 'cpu-int8' }.status");
        assertEquals("ACCEPTED", int8Status, int8Reason);

        RegisterVersionRequest registered = registry.registerCalls().stream()
                .filter(r -> r.getModelName().equals("rnn"))
                .findFirst()
                .orElseThrow();
        assertEquals(SensorSimulator.LABELS, registered.getClassLabelsList());
        assertEquals("step=3", registered.getTagsOrThrow("input_defaults"));
        assertEquals("classification", registered.getTagsOrThrow("output_kind"));

        ModelOptimized e = awaitOptimized(o -> o.getModelName().equals("rnn"));
        assertEquals(SensorSimulator.LABELS, e.getClassLabelsList());
        assertTrue(e.getFloatAccuracy() > 0.85, "state 0 leaves the MLP's accuracy: " + e.getFloatAccuracy());
        assertTrue(
                variant(e, "cpu-int8").getAccuracyDelta() >= -0.01,
                variant(e, "cpu-int8").toString());
        for (VariantSummary v : e.getVariantsList()) {
            ModelSignature s = v.getSignature();
            assertEquals(
                    List.of("features", "state", "step"),
                    s.getInputsList().stream().map(t -> t.getName()).toList(),
                    v.getTarget());
            assertEquals(
                    List.of("FP32", "FP32", "INT64"),
                    s.getInputsList().stream().map(t -> t.getDatatype()).toList());
            assertEquals(
                    List.of("probabilities", "state_out"),
                    s.getOutputsList().stream().map(t -> t.getName()).toList());
            assertEquals(List.of(-1L, 16L), s.getOutputs(1).getShapeList());
            assertEquals("classification", s.getOutputKind());
            assertEquals("features", s.getFeatureInput());
            assertEquals(Map.of("state", 0.0, "step", 3.0), s.getInputDefaultsMap());
            assertTrue(s.getOpset() >= 13);
        }
        assertTrue(variant(e, "cpu-fp32-ortopt").getAccuracyDelta() == 0.0);
        PromotionEvidence p = e.getPromotion();
        assertEquals("validation", p.getSplit());
        assertEquals(e.getFloatAccuracy(), p.getCandidateAccuracy(), 1e-9);
        assertEquals(0, p.getChampionVersion());
    }

    @Test
    void anUploadedRegressionModelIsValidatedForFiniteOutputsWithoutAccuracy() {
        snapshot("regression-data", false, Split.VALIDATION);
        byte[] model = TestGraphs.regression(TestModels.FEATURES, 4).toByteArray();

        given().contentType("application/octet-stream")
                .body(model)
                .post("/models?name=remaining-life&dataset=regression-data&datasetVersion=1")
                .then()
                .statusCode(201)
                .body("compilation.status", equalTo("SUCCEEDED"))
                .body("compilation.floatModel.accuracy", equalTo(0.0f))
                .body("compilation.promotion.classification", equalTo(false))
                .body(
                        "compilation.variants.find { it.target == 'cpu-fp32-ortopt' }.settings.accuracy",
                        containsString("not applicable"));

        RegisterVersionRequest registered = registry.registerCalls().stream()
                .filter(r -> r.getModelName().equals("remaining-life"))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(), registered.getClassLabelsList(), "not a classifier: no class labels");
        assertEquals("regression", registered.getTagsOrThrow("output_kind"));
        ModelOptimized e = awaitOptimized(o -> o.getModelName().equals("remaining-life"));
        assertEquals(List.of(), e.getClassLabelsList());
        assertEquals("regression", variant(e, "cpu-fp32-ortopt").getSignature().getOutputKind());
        assertFalse(e.getPromotion().getClassification());
    }

    @Test
    void aRefusedUploadNamesTheModelAndKeepsOnnxRuntimesMessage() {
        snapshot("refused-data", false, Split.VALIDATION);
        OnnxMl.ModelProto good = TestGraphs.gemm(TestModels.FEATURES, TestModels.CLASSES, 3);
        // structurally fine, but ONNX Runtime has no such operator
        byte[] unknownOp = good.toBuilder()
                .setGraph(good.getGraph().toBuilder()
                        .setNode(1, good.getGraph().getNode(1).toBuilder().setOpType("NoSuchSoftmax")))
                .build()
                .toByteArray();
        String work = CompilationService.workRoot(config).toAbsolutePath().toString();

        given().contentType("application/octet-stream")
                .body(unknownOp)
                .post("/models?name=team-b-classifier&dataset=refused-data&datasetVersion=1")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("model 'team-b-classifier'"))
                .body("detail", containsString("NoSuchSoftmax"))
                .body("detail", not(containsString("upload.onnx")))
                .body("detail", not(containsString(work)))
                .body("errors[0].message", containsString("ONNX Runtime"));
        // a declared input that the model does not have, and malformed defaults
        given().contentType("application/octet-stream")
                .queryParam("inputDefaults", "{\"hidden\": 1}")
                .body(good.toByteArray())
                .post("/models?name=team-b-classifier&dataset=refused-data&datasetVersion=1")
                .then()
                .statusCode(422)
                .body("detail", containsString("inputDefaults names 'hidden'"))
                .body("detail", containsString("model 'team-b-classifier'"));
        given().contentType("application/octet-stream")
                .queryParam("inputDefaults", "[1, 2]")
                .body(good.toByteArray())
                .post("/models?name=team-b-classifier&dataset=refused-data&datasetVersion=1")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("inputDefaults"));
        assertEquals(0, registry.versionCount("team-b-classifier"));
    }

    /** Registers version {@code version} of {@code model} trained on {@code model@v1}. */
    void register(String model, int version, byte[] onnx) {
        registerVersion(model, version, onnx, "corr-" + model + "-" + version, "");
    }

    PromotionEvidence compile(String model, int version) {
        given().contentType(ContentType.JSON)
                .body("{\"modelName\":\"" + model + "\",\"modelVersion\":" + version + "}")
                .post("/compilations")
                .then()
                .statusCode(201)
                .body("status", equalTo("SUCCEEDED"))
                .body("promotion.split", equalTo("test"));
        return awaitOptimized(o -> o.getModelName().equals(model) && o.getModelVersion() == version)
                .getPromotion();
    }

    @Test
    void promotionEvidenceComparesTheCandidateWithTheProductionVersionOnTheTestSplit() {
        List<Sample> test = snapshot("promo", true, Split.TEST);
        register("promo", 1, TestModels.gemmSoftmax(LINEAR));
        register("promo", 2, TestModels.gemmSoftmax(LINEAR.swapClasses(1, 2)));
        register("promo", 3, TestModels.matMulAddSoftmax(LINEAR));
        double good = CompilerServiceTest.expectedAccuracy(test);

        PromotionEvidence first = compile("promo", 1);
        assertEquals("test", first.getSplit());
        assertEquals(test.size(), first.getSampleCount());
        assertEquals(good, first.getCandidateAccuracy(), 1e-9);
        assertEquals(0, first.getChampionVersion(), "no production version yet");
        assertTrue(first.getClassification());

        registry.setAlias("promo", "production", 1);
        PromotionEvidence worse = compile("promo", 2);
        assertEquals(1, worse.getChampionVersion());
        assertEquals(good, worse.getChampionAccuracy(), 1e-9);
        assertEquals("", worse.getChampionNote());
        assertTrue(worse.getCandidateAccuracy() < worse.getChampionAccuracy() - 0.1, worse.toString());

        registry.setAlias("promo", "production", 2);
        PromotionEvidence better = compile("promo", 3);
        assertEquals(2, better.getChampionVersion());
        assertEquals(worse.getCandidateAccuracy(), better.getChampionAccuracy(), 1e-9);
        assertEquals(good, better.getCandidateAccuracy(), 1e-9);

        given().get("/compilations?model=promo&limit=1")
                .then()
                .statusCode(200)
                .body("[0].modelVersion", equalTo(3))
                .body("[0].promotion.championVersion", equalTo(2))
                .body("[0].promotion.sampleCount", equalTo(test.size()));
    }

    @Test
    void aChampionWithOtherClassLabelsIsNamedButNotCompared() {
        snapshot("relabelled", true, Split.TEST);
        register("relabelled", 1, TestModels.gemmSoftmax(LINEAR));
        String sha = artifacts.put(TestModels.gemmSoftmax(LINEAR), "application/onnx");
        registry.register(registry.version("relabelled", 1).orElseThrow().toBuilder()
                .setVersion(2)
                .setArtifactSha256(sha)
                .clearClassLabels()
                .addAllClassLabels(List.of("a", "b", "c", "d"))
                .build());
        registry.setAlias("relabelled", "production", 2);

        PromotionEvidence p = compile("relabelled", 1);

        assertEquals(2, p.getChampionVersion());
        assertEquals(0.0, p.getChampionAccuracy());
        assertTrue(p.getChampionNote().contains("class labels"), p.getChampionNote());
    }
}
