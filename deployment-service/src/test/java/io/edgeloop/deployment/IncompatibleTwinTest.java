package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.ONE_WAVE;
import static io.edgeloop.deployment.FleetTestKit.awaitDeployed;
import static io.edgeloop.deployment.FleetTestKit.awaitRollout;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.IncompatibleTargets;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A twin's {@code incompatible} reads only what it can show: per device and model the INCOMPATIBLE target of the
 * newest rollout above what the device runs, for the devices listed. A rollout superseded by a newer one the device
 * took (or by a newer incompatible one) is neither listed nor read; the devices' incompatible targets are read by
 * device, so another device's history is never read for a twin.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class IncompatibleTwinTest {
    @GrpcClient("devices")
    Channel channel;

    @Test
    void anIncompatibleRolloutSupersededByANewerOneIsNotListedNorRead() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "it" + FleetTestKit.run();
        String model = run + "-m";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        DeviceCapabilities budget1MiB = DeviceCapabilities.newBuilder()
                .setArchitecture("amd64")
                .setRamMb(512)
                .setModelMemoryBudgetMb(1)
                .build();
        Watch w = kit.join(run + "-1", Map.of("fleet", run), budget1MiB);
        Watch x = kit.join(run + "-2", Map.of("fleet", run), budget1MiB);
        List<Watch> both = List.of(w, x);

        deploy(kit, model, 1, both);
        produce(tooLarge(model, 2));
        String v2 = awaitRollout(model, 2);
        awaitIncompatible(w, 2);
        awaitIncompatible(x, 2);
        assertEquals(List.of(v2), shown(List.of(w.deviceId())), "v2 is newer than what the device runs");

        // v3 fits: the device takes it, and the older incompatible v2 is superseded
        deploy(kit, model, 3, both);
        given().get("/devices/" + w.deviceId())
                .then()
                .statusCode(200)
                .body("models[0].desired.modelVersion", equalTo(3))
                .body("models[0].incompatible", nullValue());
        given().get("/devices")
                .then()
                .body("find { it.id == '" + w.deviceId() + "' }.models[0].incompatible", nullValue());
        assertEquals(List.of(), shown(List.of(w.deviceId(), x.deviceId())), "the v2 targets are not read");

        // v4 and then v5 are incompatible: only v5, the newest, is listed and read
        produce(tooLarge(model, 4));
        awaitRollout(model, 4);
        awaitIncompatible(w, 4);
        produce(tooLarge(model, 5));
        String v5 = awaitRollout(model, 5);
        awaitIncompatible(w, 5);
        awaitIncompatible(x, 5);
        given().get("/devices")
                .then()
                .body("find { it.id == '" + w.deviceId() + "' }.models.incompatible.deploymentId", equalTo(List.of(v5)))
                .body("find { it.id == '" + w.deviceId() + "' }.models[0].desired.modelVersion", equalTo(3));
        assertEquals(List.of(v5), shown(List.of(w.deviceId())), "one target, of the device asked for");
        assertEquals(List.of(v5, v5), shown(List.of(w.deviceId(), x.deviceId())), "one per device asked for");
        assertEquals(List.of(), shown(List.of(run + "-unknown")));
    }

    /** Rolls out {@code model} v{@code version} (fits the budget) and has every device report it ACTIVE. */
    private static void deploy(FleetTestKit kit, String model, int version, List<Watch> watches) throws Exception {
        produce(event(model, version, null));
        for (Watch w : watches) {
            Assignment a = w.nextFor(model);
            assertEquals(version, a.getModelVersion());
            kit.report(w.deviceId(), a, DeviceModelState.ACTIVE);
        }
        awaitDeployed(model, version, "completed");
    }

    /** {@code model} v{@code version} with a single variant of ~2 MB RAM: over a 1 MiB model memory budget. */
    private static ModelOptimized tooLarge(String model, int version) {
        ModelOptimized.Builder b = event(model, version, null).toBuilder();
        b.getVariantsBuilder(0).getEstimateBuilder().setRamBytes(2_000_000L);
        return b.build();
    }

    private static void awaitIncompatible(Watch w, int version) {
        RolloutTestSupport.await(
                w.deviceId() + "'s twin names v" + version + " incompatible",
                () -> Integer.valueOf(version)
                        .equals(given().get("/devices/" + w.deviceId())
                                .then()
                                .extract()
                                .path("models[0].incompatible.modelVersion")));
    }

    /** The rollouts of the targets {@link IncompatibleTargets#shown} reads for {@code deviceIds}, by device. */
    private static List<String> shown(List<String> deviceIds) {
        return QuarkusTransaction.requiringNew()
                .call(() -> IncompatibleTargets.shown(deviceIds).stream()
                        .sorted(java.util.Comparator.comparing((DeploymentTargetEntity t) -> t.deviceId))
                        .map(t -> t.deploymentId)
                        .toList());
    }
}
