package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.ONE_WAVE;
import static io.edgeloop.deployment.FleetTestKit.awaitDeployed;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.events.v1.Deployed;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several models on one fleet, against real Kafka, PostgreSQL and gRPC streams: two models with different selectors
 * never disturb each other (rollout, rollback, unassign, twins, reconnect), and the registry hears what the devices
 * actually serve (Deployed phase "fleet").
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class MultiModelTest {
    @GrpcClient("devices")
    Channel channel;

    @Test
    void twoModelsWithDifferentSelectorsNeverDisturbEachOther() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "mm" + FleetTestKit.run();
        String a = run + "-a";
        String b = run + "-b";
        String d1 = run + "-1";
        String d2 = run + "-2";
        String d3 = run + "-3";
        policy(a, Map.of("fleet", run), ONE_WAVE, null);
        policy(b, Map.of("fleet", run, "grp", "x"), ONE_WAVE, null);
        Watch w1 = kit.join(d1, Map.of("fleet", run, "grp", "x"));
        Watch w2 = kit.join(d2, Map.of("fleet", run, "grp", "x"));
        Watch w3 = kit.join(d3, Map.of("fleet", run, "grp", "y"));
        List<Watch> all = List.of(w1, w2, w3);

        // A v1 on all three, then B v1 on the grp=x devices
        produce(event(a, 1, null));
        Assignment a1 = activate(kit, a, all).get(0);
        awaitDeployed(a, 1, "completed");
        assertEquals(List.of("normal", "fault"), a1.getClassLabelsList(), "class labels from ModelOptimized");
        assertEquals(1_000_000L, a1.getRamBytes());
        assertEquals(17, a1.getSignatureSpec().getOpset(), "the variant's ModelSignature");
        assertEquals("FP32", a1.getSignatureSpec().getInputs(0).getDatatype());
        produce(event(b, 1, null));
        Assignment b1 = activate(kit, b, List.of(w1, w2)).get(0);
        awaitDeployed(b, 1, "completed");
        w3.assertNothing(Duration.ofMillis(200));
        assertTrue(b1.getRevision() > a1.getRevision(), "one revision counter per device");

        given().get("/devices/" + d1)
                .then()
                .statusCode(200)
                .body("models.modelName", equalTo(List.of(a, b)))
                .body("models.inSync", equalTo(List.of(true, true)))
                .body("models[1].desired.deploymentId", equalTo(b1.getDeploymentId()))
                .body("inSync", equalTo(true));
        given().get("/devices/" + d3).then().body("models.modelName", equalTo(List.of(a)));
        var registered = kit.stub()
                .register(RegisterDeviceRequest.newBuilder()
                        .setDeviceId(d1)
                        .putLabels("fleet", run)
                        .putLabels("grp", "x")
                        .build());
        assertEquals(2, registered.getAssignmentsCount());
        assertEquals(a, registered.getCurrent().getModelName(), "current = first by model name");

        // A v2, then rolled back over REST: every device returns to A v1; B never moves
        produce(event(a, 2, null));
        List<Assignment> a2 = activate(kit, a, all);
        Deployed completed = awaitDeployed(a, 2, "completed");
        Deployed lost = RolloutTestSupport.deployed(
                RolloutTestSupport.awaitDeployed(e -> e.getModelName().equals(a)
                        && e.getModelVersion() == 1
                        && e.getPhase().equals("fleet")));
        assertFalse(lost.getReason().isEmpty(), "fleet events say why");
        given().post("/rollouts/" + completed.getRolloutId() + "/rollback")
                .then()
                .statusCode(200);
        for (Watch w : all) {
            Assignment back = w.nextFor(a);
            assertEquals(a1.getDeploymentId(), back.getDeploymentId());
            kit.report(w.deviceId(), back, DeviceModelState.ACTIVE);
        }
        assertTrue(a2.get(0).getRevision() > b1.getRevision());

        // A v1 (their first-ever A) rolled back too: A is unassigned, only A
        String a1Rollout = a1.getRolloutId();
        given().post("/rollouts/" + a1Rollout + "/rollback").then().statusCode(200);
        for (Watch w : all) {
            Assignment off = w.nextFor(a);
            assertTrue(off.getUnassigned());
            kit.report(w.deviceId(), off, DeviceModelState.UNLOADED);
        }
        for (Watch w : List.of(w1, w2)) {
            w.assertNothing(Duration.ofMillis(200));
        }
        given().get("/devices/" + d2)
                .then()
                .body("models[0].modelName", equalTo(a))
                .body("models[0].desiredState", equalTo("UNASSIGNED"))
                .body("models[0].inSync", equalTo(true))
                .body("models[1].modelName", equalTo(b))
                .body("models[1].desiredState", equalTo("ASSIGNED"))
                .body("models[1].desired.deploymentId", equalTo(b1.getDeploymentId()))
                .body("models[1].reported.state", equalTo("ACTIVE"))
                .body("models[1].reported.modelVersion", equalTo(1));

        // a reconnecting device gets every model's desired state at once
        w1.cancel();
        Watch again = Watch.open(channel, d1);
        Assignment first = again.next();
        Assignment second = again.next();
        assertEquals(List.of(a, b), List.of(first.getModelName(), second.getModelName()));
        assertTrue(first.getUnassigned());
        assertEquals(b1.getDeploymentId(), second.getDeploymentId());
        given().get("/rollouts/" + a1Rollout).then().body("status", equalTo("ROLLED_BACK"));
        given().get("/devices").then().statusCode(200).body("find { it.id == '" + d3 + "' }.models", hasSize(1));
    }

    @Test
    void aDeviceReportingRefusedFailsTheWaveButKeepsWhatItServes() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "rf" + FleetTestKit.run();
        String model = run + "-m";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        Watch w = kit.join(run + "-1", Map.of("fleet", run));
        produce(event(model, 1, null));
        Assignment v1 = w.nextFor(model);
        kit.report(w.deviceId(), v1, DeviceModelState.ACTIVE);
        awaitDeployed(model, 1, "completed");
        produce(event(model, 2, null));
        Assignment v2 = w.nextFor(model);
        kit.report(w.deviceId(), v2, DeviceModelState.REFUSED);
        Deployed rb = awaitDeployed(model, 2, "rolled-back");
        assertTrue(rb.getReason().contains("REFUSED"), rb.getReason());
        assertEquals(v1.getDeploymentId(), w.nextFor(model).getDeploymentId());
        given().get("/devices/" + w.deviceId())
                .then()
                .body("models[0].reported.state", equalTo("ACTIVE"))
                .body("models[0].reported.modelVersion", equalTo(1))
                .body("models[0].reported.message", containsString("refused"))
                .body("models[0].unassigned", nullValue());
    }

    @Test
    void aDeviceThatCannotRunTheVariantIsNeverSentIt() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "cm" + FleetTestKit.run();
        String model = run + "-m";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        var caps = io.edgeloop.proto.deployment.v1.DeviceCapabilities.newBuilder()
                .setArchitecture("amd64")
                .setRamMb(512)
                .addTensorDatatypes("FP32");
        Watch old = kit.join(
                run + "-1", Map.of("fleet", run), caps.clone().setMaxOpset(13).build());
        Watch fp16 = kit.join(
                run + "-2",
                Map.of("fleet", run),
                caps.clone().clearTensorDatatypes().addTensorDatatypes("FP16").build());
        Watch ok = kit.join(
                run + "-3",
                Map.of("fleet", run),
                caps.clone().setMaxOpset(21).setModelMemoryBudgetMb(64).build());
        produce(event(model, 1, null));
        Assignment a = ok.nextFor(model);
        kit.report(ok.deviceId(), a, DeviceModelState.ACTIVE);
        awaitDeployed(model, 1, "completed");
        old.assertNothing(Duration.ofMillis(200));
        fp16.assertNothing(Duration.ofMillis(100));
        given().get("/rollouts/" + a.getRolloutId())
                .then()
                .body("targets.state", equalTo(List.of("INCOMPATIBLE", "INCOMPATIBLE", "ACTIVE")))
                .body("targets[0].message", containsString("needs opset 17, device runs up to 13"))
                .body("targets[1].message", containsString("tensor datatype(s) [FP32]"));
    }

    /**
     * A device with a 1 MiB model memory budget: v1 (~1 MB RAM) is served; v2 (~2 MB) and another model (~1 MB beside
     * v1) fit no longer. Neither is sent; the twin names both rollouts as incompatible with the budget's reason, and
     * what the device serves stays v1.
     */
    @Test
    void aVersionOverTheMemoryBudgetIsNeverSentAndTheTwinSaysWhy() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "mb" + FleetTestKit.run();
        String model = run + "-m";
        String other = run + "-o";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        policy(other, Map.of("fleet", run), ONE_WAVE, null);
        Watch w = kit.join(
                run + "-1",
                Map.of("fleet", run),
                io.edgeloop.proto.deployment.v1.DeviceCapabilities.newBuilder()
                        .setArchitecture("amd64")
                        .setRamMb(512)
                        .setModelMemoryBudgetMb(1)
                        .build());
        produce(event(model, 1, null));
        Assignment v1 = w.nextFor(model);
        kit.report(w.deviceId(), v1, DeviceModelState.ACTIVE);
        awaitDeployed(model, 1, "completed");

        var v2 = event(model, 2, null).toBuilder();
        v2.getVariantsBuilder(0).getEstimateBuilder().setRamBytes(2_000_000L);
        produce(v2.build());
        produce(event(other, 1, null));
        RolloutTestSupport.await(
                "the twin names both incompatible rollouts",
                () -> given().get("/devices/" + w.deviceId())
                        .then()
                        .extract()
                        .path("models.incompatible.findAll { it != null }.size()")
                        .equals(2));
        w.assertNothing(Duration.ofMillis(200));
        given().get("/devices/" + w.deviceId())
                .then()
                .body("models.modelName", equalTo(List.of(model, other)))
                .body("models[0].desired.modelVersion", equalTo(1))
                .body("models[0].reported.state", equalTo("ACTIVE"))
                .body("models[0].reported.modelVersion", equalTo(1))
                .body("models[0].incompatible.modelVersion", equalTo(2))
                .body("models[0].incompatible.reason", containsString("the device's model memory budget of 1 MiB"))
                .body("models[1].desiredState", equalTo("NONE"))
                .body("models[1].reported", nullValue())
                .body("models[1].incompatible.modelVersion", equalTo(1))
                .body("models[1].incompatible.reason", containsString("leaves 48576 B beside its other models"));
        given().get("/devices")
                .then()
                .body(
                        "find { it.id == '" + w.deviceId() + "' }.models.incompatible.modelVersion",
                        equalTo(List.of(2, 1)));
    }

    /** Each watch gets an assignment of {@code model} and reports ACTIVE; their assignments, in order. */
    @Test
    void aDeviceRegisteringAfterACompletedRolloutGetsTheVersionInProduction() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "late" + FleetTestKit.run();
        String model = run + "-m";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        Watch early = kit.join(run + "-1", Map.of("fleet", run));
        produce(event(model, 1, null));
        activate(kit, model, List.of(early));
        String rollout = awaitDeployed(model, 1, "completed").getDeploymentId();
        produce(event(model, 2, null));
        activate(kit, model, List.of(early));
        String rollout2 = awaitDeployed(model, 2, "completed").getDeploymentId();

        // a new device of the fleet gets v2 at once (the newest completed rollout that selects it), nothing else
        Watch late = kit.join(run + "-2", Map.of("fleet", run));
        Assignment got = late.nextFor(model);
        assertEquals(2, got.getModelVersion());
        assertEquals(rollout2, got.getDeploymentId());
        kit.report(late.deviceId(), got, DeviceModelState.ACTIVE);
        given().get("/rollouts/" + rollout2)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("targets.deviceId", equalTo(List.of(run + "-1", run + "-2")));
        RolloutTestSupport.await(
                "the late device's twin is in sync",
                () -> Boolean.TRUE.equals(
                        given().get("/devices/" + run + "-2").then().extract().path("inSync")));
        given().get("/rollouts/" + rollout).then().body("targets", hasSize(1));

        // registering again (an agent restart) adds no second target; a device of another fleet gets nothing
        var again = kit.stub()
                .register(RegisterDeviceRequest.newBuilder()
                        .setDeviceId(run + "-2")
                        .putLabels("fleet", run)
                        .build());
        assertEquals(rollout2, again.getCurrent().getDeploymentId());
        given().get("/rollouts/" + rollout2).then().body("targets", hasSize(2));
        var outsider = kit.stub()
                .register(RegisterDeviceRequest.newBuilder()
                        .setDeviceId(run + "-x")
                        .putLabels("fleet", run + "-other")
                        .build());
        assertFalse(outsider.hasCurrent(), "not selected by the completed rollout");
    }

    private static List<Assignment> activate(FleetTestKit kit, String model, List<Watch> watches)
            throws InterruptedException {
        List<Assignment> out = new java.util.ArrayList<>();
        for (Watch w : watches) {
            Assignment x = w.nextFor(model);
            kit.report(w.deviceId(), x, DeviceModelState.ACTIVE);
            out.add(x);
        }
        return out;
    }
}
