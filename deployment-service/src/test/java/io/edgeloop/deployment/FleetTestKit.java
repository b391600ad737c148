package io.edgeloop.deployment;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeviceEstimate;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.PromotionEvidence;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.model.v1.TensorSpec;
import io.grpc.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** Devices, policies and events of the multi-model suites. */
final class FleetTestKit {
    /** Rollout keys of a policy that rolls out in one wave without soak and passes without telemetry. */
    static final String ONE_WAVE = "{\"canaryPercent\":100,\"soakTimeMs\":0,\"onNoTelemetry\":\"pass\"}";

    private final Channel channel;

    FleetTestKit(Channel channel) {
        this.channel = channel;
    }

    DeviceServiceGrpc.DeviceServiceBlockingStub stub() {
        return RolloutTestSupport.blocking(channel);
    }

    /** Registers a device with {@code labels} and opens its stream. */
    RolloutTestSupport.Watch join(String id, Map<String, String> labels) {
        return join(
                id,
                labels,
                DeviceCapabilities.newBuilder()
                        .setArchitecture("amd64")
                        .setRamMb(512)
                        .setRuntime("onnxruntime")
                        .build());
    }

    /** Registers a device with {@code labels} and {@code caps} and opens its stream. */
    RolloutTestSupport.Watch join(String id, Map<String, String> labels, DeviceCapabilities caps) {
        stub().register(RegisterDeviceRequest.newBuilder()
                .setDeviceId(id)
                .putAllLabels(labels)
                .setCapabilities(caps)
                .build());
        return RolloutTestSupport.Watch.open(channel, id);
    }

    void report(String device, Assignment a, DeviceModelState s) {
        RolloutTestSupport.report(stub(), device, a, s);
    }

    /** PUTs a one-wave policy for {@code name} (200 expected). */
    static void policy(String name, Map<String, String> selector, String rolloutJson, String promotionJson) {
        StringBuilder sel = new StringBuilder("{");
        selector.forEach((k, v) -> sel.append(sel.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
        sel.append('}');
        given().contentType("application/json")
                .body("{\"selector\":" + sel + ",\"autoRollout\":true,\"rollout\":" + rolloutJson
                        + (promotionJson == null ? "" : ",\"promotion\":" + promotionJson) + "}")
                .put("/policies/" + name)
                .then()
                .statusCode(200);
    }

    /** One cpu-fp32 variant (recommended; opset 17, FP32 in and out, ~1 MB RAM) with class labels and, when given, promotion evidence. */
    static ModelOptimized event(String model, int version, PromotionEvidence promotion) {
        byte[] bytes = (model + version + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        ModelOptimized.Builder b = RolloutTestSupport.optimized(model, version)
                .addVariants(VariantSummary.newBuilder()
                        .setVariantId(model + "-v" + version + "-cpu-fp32")
                        .setTarget("cpu-fp32")
                        .setFormat("onnx")
                        .setArtifactSha256(Hashing.sha256Hex(bytes))
                        .setSizeBytes(bytes.length)
                        .setEstimate(DeviceEstimate.newBuilder().setRamBytes(1_000_000L))
                        .setSignature(ModelSignature.newBuilder()
                                .setOpset(17)
                                .addInputs(TensorSpec.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(-1)
                                        .addShape(8))
                                .addOutputs(TensorSpec.newBuilder()
                                        .setName("probabilities")
                                        .setDatatype("FP32")
                                        .addShape(-1)
                                        .addShape(2))
                                .setOutputKind("classification")))
                .setRecommendedVariantId(model + "-v" + version + "-cpu-fp32")
                .addClassLabels("normal")
                .addClassLabels("fault");
        if (promotion != null) {
            b.setPromotion(promotion);
        }
        return b.build();
    }

    static PromotionEvidence evidence(double candidate, int championVersion, double champion) {
        return PromotionEvidence.newBuilder()
                .setSplit("test")
                .setSampleCount(100)
                .setCandidateAccuracy(candidate)
                .setChampionVersion(championVersion)
                .setChampionAccuracy(champion)
                .setClassification(true)
                .build();
    }

    static Deployed awaitDeployed(String model, int version, String phase) {
        Deployed d = RolloutTestSupport.deployed(
                RolloutTestSupport.awaitDeployed(e -> e.getModelName().equals(model)
                        && e.getModelVersion() == version
                        && e.getPhase().equals(phase)));
        assertEquals(phase, d.getPhase());
        return d;
    }

    /** The id of the newest rollout of {@code model} v{@code version}, awaited. */
    static String awaitRollout(String model, int version) throws InterruptedException {
        String[] id = new String[1];
        RolloutTestSupport.await("a rollout of " + model + " v" + version, () -> {
            id[0] = given().get("/rollouts?limit=200")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("find { it.modelName == '" + model + "' && it.modelVersion == " + version + " }.id");
            return id[0] != null;
        });
        return id[0];
    }

    static String status(String rolloutId) {
        return given().get("/rollouts/" + rolloutId)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
