package io.edgeloop.deployment;

import static io.edgeloop.deployment.RolloutTestSupport.deployed;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Hashing;
import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.deployment.gate.GateRequest;
import io.edgeloop.deployment.gate.GateVerdict;
import io.edgeloop.deployment.gate.HealthGate;
import io.edgeloop.deployment.gate.TelemetryHealthGate;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeviceEstimate;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Staged rollouts against real Kafka, PostgreSQL, a real HTTP stand-in for monitoring-service and a registry test
 * double: waves widen after their gates, a failing canary is rolled back automatically, pause / resume / manual
 * rollback over REST, label selection, a variant per device capability, a reconnecting device converging, and a
 * device whose first-ever deployment is rolled back being told to run nothing until the next rollout.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class StagedRolloutTest {
    @GrpcClient("devices")
    Channel channel;

    @Test
    void healthyRolloutWidensWaveByWaveWithAVariantPerDevice() throws Exception {
        String run = "h" + UUID.randomUUID().toString().substring(0, 8);
        String d1 = run + "-1";
        String d2 = run + "-2";
        String d3 = run + "-3";
        String d4 = run + "-4";
        String outsider = run + "-x";
        Watch w1 = join(device(d1, "healthy", "amd64", 512));
        Watch w2 = join(device(d2, "healthy", "aarch64", 1024));
        Watch w3 = join(device(d3, "healthy", "amd64", 4)); // tiny RAM -> mcu variant
        Watch w4 = join(device(d4, "healthy", "amd64", 512));
        Watch wx = join(device(outsider, "elsewhere", "amd64", 512)); // not selected by suite=healthy

        ModelOptimized event = event("healthy", 1);
        FakeRegistry.sign(variant(event, "edge-arm64-int8").getArtifactSha256(), "c2lnbmF0dXJl");
        produce(event);

        // wave 1 (canary 25% of 4 = 1 device): only the first device by id
        Assignment a1 = w1.next();
        String rollout = a1.getRolloutId();
        assertEquals(a1.getDeploymentId(), rollout);
        assertEquals(variant(event, "cpu-fp32").getVariantId(), a1.getVariantId(), "amd64 -> recommended");
        assertEquals("cpu-fp32", a1.getTarget());
        assertEquals("", a1.getSignature(), "the registry has no signature for it");
        w2.assertNothing(Duration.ofMillis(800));
        given().get("/rollouts/" + rollout)
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLING_OUT"))
                .body("wavesTotal", equalTo(3))
                .body("currentWave", equalTo(1))
                .body("selector.suite", equalTo("healthy"))
                .body("waves[0].deviceIds", equalTo(List.of(d1)))
                .body("waves[1].deviceIds", equalTo(List.of(d2)))
                .body("waves[2].deviceIds", equalTo(List.of(d3, d4)))
                .body("waves[0].state", equalTo("IN_PROGRESS"))
                .body("waves[1].state", equalTo("PENDING"))
                .body("settings.canaryPercent", equalTo(25));

        report(d1, a1, DeviceModelState.ACTIVE);
        TestClock.soak(rollout, 1, soakOf("healthy"));
        Deployed wave1 = awaitDeployed(rollout, "wave", 1);
        assertEquals(3, wave1.getWavesTotal());
        assertEquals(List.of(d1), wave1.getDeviceIdsList());
        assertEquals(1, wave1.getDevicesActive());
        assertEquals(4, wave1.getDevicesTargeted());

        Assignment a2 = w2.next();
        assertEquals(rollout, a2.getDeploymentId());
        assertEquals(variant(event, "edge-arm64-int8").getVariantId(), a2.getVariantId(), "arm64 -> edge-arm64");
        assertEquals("edge-arm64-int8", a2.getTarget());
        assertEquals("c2lnbmF0dXJl", a2.getSignature());
        assertEquals("test-key", a2.getSigningKeyId());
        w3.assertNothing(Duration.ofMillis(300));
        report(d2, a2, DeviceModelState.ACTIVE);
        TestClock.soak(rollout, 2, soakOf("healthy"));
        Deployed wave2 = awaitDeployed(rollout, "wave", 2);
        assertEquals(List.of(d1, d2), wave2.getDeviceIdsList());

        Assignment a3 = w3.next();
        Assignment a4 = w4.next();
        assertEquals(variant(event, "mcu-int8").getVariantId(), a3.getVariantId(), "tiny RAM -> mcu");
        assertEquals(variant(event, "cpu-fp32").getVariantId(), a4.getVariantId());
        report(d3, a3, DeviceModelState.ACTIVE);
        report(d4, a4, DeviceModelState.ACTIVE);
        TestClock.soak(rollout, 3, soakOf("healthy"));
        Deployed done = awaitDeployed(rollout, "completed", 3);
        assertEquals(List.of(d1, d2, d3, d4), done.getDeviceIdsList());
        assertEquals(4, done.getDevicesActive());
        assertEquals(event.getMeta().getEventId(), done.getMeta().getCausationId());

        given().get("/rollouts/" + rollout)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("deployedEventId", equalTo(done.getMeta().getEventId()))
                .body("waves.state", equalTo(List.of("PASSED", "PASSED", "PASSED")))
                .body("waves[0].gate.outcome", equalTo("PASS"))
                .body("waves[0].gate.reasons[0]", containsString("no telemetry"))
                .body("waves[0].gate.deployedEventId", equalTo(wave1.getMeta().getEventId()))
                .body("history.action", hasItems("started", "wave-started", "gate-passed", "completed"));
        given().get("/rollouts?limit=5").then().statusCode(200).body("id", hasItems(rollout));
        given().get("/deployments/" + rollout).then().statusCode(200).body("status", equalTo("COMPLETED"));
        given().get("/devices/" + d2)
                .then()
                .statusCode(200)
                .body("models[0].lastGoodDeploymentId", equalTo(rollout))
                .body("models[0].inSync", equalTo(true));
        // label selection: the outsider never got an assignment
        wx.assertNothing(Duration.ofMillis(100));
        given().get("/devices/" + outsider).then().statusCode(200).body("models", hasSize(0));
    }

    @Test
    void canaryFailingItsGateIsRolledBackAndAReconnectingDeviceConverges() throws Exception {
        String run = "f" + UUID.randomUUID().toString().substring(0, 8);
        String c = run + "-1"; // the canary (first by id)
        String o = run + "-2";
        Watch wc = join(device(c, "faulty", "amd64", 512));
        Watch wo = join(device(o, "faulty", "amd64", 512));

        // v1 completes on both: it becomes their last known good
        Assignment c1 = rollOutAndActivate(event("faulty", 1), wc, wo).get(0);

        // v2: the canary runs it and its telemetry shows 40% errors
        ModelOptimized v2 = event("faulty", 2);
        produce(v2);
        Assignment c2 = wc.next();
        String rollout = c2.getDeploymentId();
        assertEquals(2, c2.getModelVersion());
        wc.cancel(); // the canary disconnects while its gate is evaluated
        FakeTelemetry.put(
                c,
                List.of(
                        FakeTelemetry.window("faulty", 2, 60, 40, 900, Map.of("normal", 60L)),
                        FakeTelemetry.window("faulty", 1, 100, 0, 800, Map.of("normal", 100L))));
        report(c, c2, DeviceModelState.ACTIVE);
        TestClock.soak(rollout, 1, soakOf("faulty"));

        Deployed rolledBack = awaitDeployed(rollout, "rolled-back", 1);
        assertEquals(List.of(c), rolledBack.getDeviceIdsList());
        assertEquals(0, rolledBack.getDevicesActive());
        assertEquals(2, rolledBack.getModelVersion());
        assertTrue(FakeTelemetry.requests(c) > 0, "the gate read monitoring over gRPC");
        given().get("/rollouts/" + rollout)
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLED_BACK"))
                .body("statusReason", containsString("error rate"))
                .body("waves[0].state", equalTo("FAILED"))
                .body("waves[0].gate.outcome", equalTo("FAIL"))
                .body("waves[0].gate.reasons[0]", containsString("error rate 0.4000 > max 0.0500"))
                .body("waves[0].gate.inferences", equalTo(60))
                .body("waves[0].gate.errors", equalTo(40))
                .body("waves[1].state", equalTo("ABORTED"))
                .body("targets.state", equalTo(List.of("ROLLED_BACK", "ROLLED_BACK")));

        // the reconnecting canary gets its current desired assignment at once: v1 again
        Watch again = watch(c);
        Assignment back = again.next();
        assertEquals(c1.getDeploymentId(), back.getDeploymentId());
        assertEquals(c1.getVariantId(), back.getVariantId());
        assertEquals(1, back.getModelVersion());
        report(c, back, DeviceModelState.ACTIVE);
        // the other device never got v2
        wo.assertNothing(Duration.ofMillis(300));
        List<Map<String, Object>> devices =
                given().get("/devices").then().statusCode(200).extract().path("$");
        for (Map<String, Object> dev : devices) {
            if (List.of(c, o).contains((String) dev.get("id"))) {
                Map<?, ?> model = (Map<?, ?>) ((List<?>) dev.get("models")).get(0);
                assertEquals(c1.getDeploymentId(), ((Map<?, ?>) model.get("desired")).get("deploymentId"));
                assertEquals(1, ((Map<?, ?>) model.get("reported")).get("modelVersion"), "no device left on v2");
            }
        }
        given().post("/rollouts/" + rollout + "/rollback").then().statusCode(409);
    }

    @Test
    void pauseResumeAndManualRollbackWithAFakeGate() throws Exception {
        List<GateRequest> evaluated = new CopyOnWriteArrayList<>();
        // QuarkusMock needs an instance of the bean class; the override never touches monitoring
        HealthGate fake = new TelemetryHealthGate() {
            @Override
            public GateVerdict evaluate(GateRequest request) {
                evaluated.add(request);
                return GateVerdict.pass(List.of("fake gate"), GateVerdict.Metrics.NONE);
            }
        };
        QuarkusMock.installMockForType((TelemetryHealthGate) fake, TelemetryHealthGate.class);

        String run = "m" + UUID.randomUUID().toString().substring(0, 8);
        String m1 = run + "-1";
        String m2 = run + "-2";
        Watch w1 = join(device(m1, "manual", "amd64", 512));
        Watch w2 = join(device(m2, "manual", "amd64", 512));
        List<Assignment> v1 = rollOutAndActivate(event("manual", 1), w1, w2);
        Assignment a1 = v1.get(0);
        Assignment b1 = v1.get(1);
        assertEquals(2, evaluated.size(), "the fake gate decided both waves of v1");

        ModelOptimized v2 = event("manual", 2);
        produce(v2);
        Assignment a2 = w1.next();
        String rollout = a2.getDeploymentId();
        given().post("/rollouts/" + rollout + "/pause")
                .then()
                .statusCode(200)
                .body("status", equalTo("PAUSED"))
                .body("waves[0].state", equalTo("PAUSED"));
        given().post("/rollouts/" + rollout + "/pause").then().statusCode(409).contentType("application/problem+json");
        report(m1, a2, DeviceModelState.ACTIVE);
        TestClock.advancePast(soakOf("manual")); // the soak time passes while paused: nothing advances
        RolloutTestSupport.awaitTicks(3); // two whole ticks: a step would have pushed
        w2.assertNothing(Duration.ofMillis(100));
        assertEquals(2, evaluated.size(), "no gate while paused");

        given().post("/rollouts/" + rollout + "/resume").then().statusCode(200).body("status", equalTo("ROLLING_OUT"));
        // the wave soaks again from the moment it is ACTIVE after the resume: the time spent paused does not count
        TestClock.awaitSoaking(rollout, 1);
        RolloutTestSupport.awaitTicks(3); // two whole ticks: a step would have pushed
        w2.assertNothing(Duration.ofMillis(100));
        assertEquals(2, evaluated.size(), "no gate before the soak restarted at resume elapsed");
        TestClock.CLOCK.advance(soakOf("manual"));
        Assignment b2 = w2.next(); // wave 1 soaked again and passed: wave 2 assigned
        assertEquals(rollout, b2.getDeploymentId());
        assertEquals(
                List.of(m1),
                evaluated.get(2).devices().stream()
                        .map(GateRequest.GateDevice::deviceId)
                        .toList());
        assertEquals(1, evaluated.get(2).devices().get(0).previousVersion());

        given().post("/rollouts/" + rollout + "/rollback")
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLED_BACK"))
                .body("statusReason", equalTo("manual rollback over REST"))
                .body("history.action", hasItems("paused", "resumed", "rolled-back"));
        assertEquals(a1.getDeploymentId(), w1.next().getDeploymentId(), "m1 returned to v1");
        assertEquals(b1.getDeploymentId(), w2.next().getDeploymentId(), "m2 returned to v1");
        Deployed rb = awaitDeployed(rollout, "rolled-back", 2);
        assertEquals(List.of(m1, m2), rb.getDeviceIdsList());
        given().post("/rollouts/" + rollout + "/resume").then().statusCode(409);
        given().post("/rollouts/nope/rollback").then().statusCode(404).contentType("application/problem+json");
        given().get("/rollouts?limit=0").then().statusCode(422).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void rollingBackAFirstEverDeploymentUnassignsTheDeviceUntilTheNextRollout() throws Exception {
        String run = "u" + UUID.randomUUID().toString().substring(0, 8);
        String dev = run + "-1";
        var stub = blocking();
        stub.register(device(dev, "firstever", "amd64", 512));
        Watch w = watch(dev);
        produce(event("firstever", 1));
        Assignment a1 = w.next();
        String rollout = a1.getDeploymentId();
        assertTrue(!a1.getUnassigned());
        report(dev, a1, DeviceModelState.ACTIVE);

        given().post("/rollouts/" + rollout + "/rollback")
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLED_BACK"))
                .body("targets[0].state", equalTo("ROLLED_BACK"))
                .body("targets[0].message", containsString("unassigned"))
                .body("history.detail", hasItems(containsString("unassigned (no earlier deployment): [" + dev + "]")));
        // no earlier deployment to return to: a new revision that tells the device to run nothing
        Assignment off = w.next();
        assertTrue(off.getUnassigned());
        assertEquals(rollout, off.getDeploymentId());
        assertEquals(rollout, off.getRolloutId());
        assertEquals("firstever", off.getModelName(), "only that model is unloaded");
        assertEquals("", off.getArtifactSha256());
        assertTrue(off.getReason().contains("no earlier completed deployment"), off.getReason());
        Deployed rb = awaitDeployed(rollout, "rolled-back", 1);
        assertEquals(List.of(dev), rb.getDeviceIdsList());
        given().get("/devices/" + dev)
                .then()
                .statusCode(200)
                .body("models[0].desired", nullValue())
                .body("models[0].desiredState", equalTo("UNASSIGNED"))
                .body("models[0].unassigned.deploymentId", equalTo(rollout))
                .body("models[0].unassigned.reason", containsString("rolled back"))
                .body("models[0].inSync", equalTo(false));

        // the agent unloads and says so: the twin is in sync
        assertTrue(blocking()
                .reportState(DeviceStateReport.newBuilder()
                        .setDeviceId(dev)
                        .setDeploymentId(rollout)
                        .setState(DeviceModelState.UNLOADED)
                        .build())
                .getAccepted());
        given().get("/devices/" + dev)
                .then()
                .body("models[0].reported.state", equalTo("UNLOADED"))
                .body("models[0].reported.deploymentId", equalTo(rollout))
                .body("models[0].inSync", equalTo(true));
        given().get("/rollouts/" + rollout).then().body("targets[0].state", equalTo("ROLLED_BACK"));

        // sent again on reconnect and in Register's current
        w.cancel();
        Watch again = watch(dev);
        Assignment resent = again.next();
        assertTrue(resent.getUnassigned());
        assertEquals(rollout, resent.getDeploymentId());
        assertTrue(stub.register(device(dev, "firstever", "amd64", 512))
                .getCurrent()
                .getUnassigned());

        // a later rollout assigns normally
        produce(event("firstever", 2));
        Assignment a2 = again.next();
        assertTrue(!a2.getUnassigned());
        assertEquals(2, a2.getModelVersion());
        assertTrue(!a2.getDeploymentId().equals(rollout));
        given().get("/devices/" + dev)
                .then()
                .body("models[0].desiredState", equalTo("ASSIGNED"))
                .body("models[0].desired.deploymentId", equalTo(a2.getDeploymentId()))
                .body("models[0].unassigned", nullValue());
    }

    @Test
    void deviceJoiningASingleWaveRolloutIsAssignedAndNonMatchingDevicesAreNot() throws Exception {
        String run = "l" + UUID.randomUUID().toString().substring(0, 8);
        var stub = blocking();
        stub.register(labelled(run + "-a1", "plant-a"));
        stub.register(labelled(run + "-b1", "plant-b"));
        Watch a = watch(run + "-a1");
        Watch b = watch(run + "-b1");
        produce(event("labelled", 1));
        Assignment got = a.next();
        // a plant-a device registering mid-rollout joins the (single, final) wave at once
        var joined = stub.register(labelled(run + "-a2", "plant-a"));
        assertEquals(got.getDeploymentId(), joined.getCurrent().getDeploymentId());
        var other = stub.register(labelled(run + "-b2", "plant-b"));
        assertTrue(!other.hasCurrent(), "plant-b is not selected");
        b.assertNothing(Duration.ofMillis(300));
        given().get("/rollouts/" + got.getDeploymentId())
                .then()
                .body("targets", hasSize(2))
                .body("selector.site", equalTo("plant-a"));
    }

    // ---- helpers ----

    private DeviceServiceGrpc.DeviceServiceBlockingStub blocking() {
        return RolloutTestSupport.blocking(channel);
    }

    /** Registers the device and opens its assignment stream. */
    private Watch join(RegisterDeviceRequest device) {
        blocking().register(device);
        return watch(device.getDeviceId());
    }

    /**
     * Publishes {@code event} of a model that rolls out one device per wave; each device, in the order given, reports
     * ACTIVE as it is assigned and its wave soaks (the clock moves on by the model's soak time), until the rollout
     * completes. The devices' assignments, in the same order.
     */
    private List<Assignment> rollOutAndActivate(ModelOptimized event, Watch... devices) throws Exception {
        produce(event);
        Duration soak = soakOf(event.getModelName());
        List<Assignment> assigned = new ArrayList<>();
        for (int wave = 1; wave <= devices.length; wave++) {
            Watch w = devices[wave - 1];
            Assignment a = w.next();
            report(w.deviceId(), a, DeviceModelState.ACTIVE);
            TestClock.soak(a.getDeploymentId(), wave, soak);
            assigned.add(a);
        }
        awaitDeployed(assigned.get(0).getDeploymentId(), "completed", devices.length);
        return assigned;
    }

    /** The soak time of {@code model} in this suite (application.properties). */
    private static Duration soakOf(String model) {
        return ConfigProvider.getConfig()
                .getValue("edgeloop.deployment.rollout.models." + model + ".soak-time", Duration.class);
    }

    private static RegisterDeviceRequest device(String id, String suite, String arch, int ramMb) {
        return RegisterDeviceRequest.newBuilder()
                .setDeviceId(id)
                .putLabels("suite", suite)
                .setCapabilities(DeviceCapabilities.newBuilder()
                        .setArchitecture(arch)
                        .setRamMb(ramMb)
                        .setStorageMb(64)
                        .setRuntime("onnxruntime")
                        .setRuntimeVersion("1.29.0"))
                .build();
    }

    private static RegisterDeviceRequest labelled(String id, String site) {
        return RegisterDeviceRequest.newBuilder()
                .setDeviceId(id)
                .putLabels("site", site)
                .setCapabilities(DeviceCapabilities.newBuilder().setArchitecture("amd64"))
                .build();
    }

    private void report(String device, Assignment a, DeviceModelState s) {
        RolloutTestSupport.report(blocking(), device, a, s);
    }

    /** cpu-fp32 (recommended), edge-arm64-int8 and mcu-int8 variants, with device estimates. */
    private static ModelOptimized event(String model, int version) {
        return RolloutTestSupport.optimized(model, version)
                .addVariants(summary(model, version, "cpu-fp32", "onnx", 40_000_000L))
                .addVariants(summary(model, version, "edge-arm64-int8", "ort", 12_000_000L))
                .addVariants(summary(model, version, "mcu-int8", "ort", 2_000_000L))
                .setRecommendedVariantId(model + "-v" + version + "-cpu-fp32")
                .build();
    }

    private static VariantSummary summary(String model, int version, String target, String format, long ram) {
        byte[] bytes = (target + model + version + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        return VariantSummary.newBuilder()
                .setVariantId(model + "-v" + version + "-" + target)
                .setTarget(target)
                .setFormat(format)
                .setArtifactSha256(Hashing.sha256Hex(bytes))
                .setSizeBytes(bytes.length)
                .setEstimate(DeviceEstimate.newBuilder()
                        .setTargetProfile(target)
                        .setRamBytes(ram)
                        .setFlashBytes(bytes.length)
                        .setFits(true))
                .build();
    }

    private static VariantSummary variant(ModelOptimized e, String target) {
        return e.getVariantsList().stream()
                .filter(v -> v.getTarget().equals(target))
                .findFirst()
                .orElseThrow();
    }

    private static Deployed awaitDeployed(String rolloutId, String phase, int wave) {
        Deployed d = deployed(RolloutTestSupport.awaitDeployed(
                e -> e.getRolloutId().equals(rolloutId) && e.getPhase().equals(phase) && e.getWave() == wave));
        assertEquals(rolloutId, d.getDeploymentId());
        return d;
    }

    private Watch watch(String deviceId) {
        return Watch.open(channel, deviceId);
    }
}
