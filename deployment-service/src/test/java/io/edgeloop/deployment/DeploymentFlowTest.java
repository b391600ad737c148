package io.edgeloop.deployment;

import static io.edgeloop.deployment.RolloutTestSupport.awaitRecord;
import static io.edgeloop.deployment.RolloutTestSupport.blocking;
import static io.edgeloop.deployment.RolloutTestSupport.deployed;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.common.TraceContext;
import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceResponse;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The rollout loop against real Kafka and PostgreSQL: devices register and watch over gRPC, a ModelOptimized record
 * starts a deployment, every device reports ACTIVE and Deployed is published through the outbox.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DeploymentFlowTest {
    @GrpcClient("devices")
    Channel channel;

    @Test
    void rolloutReachesEveryDeviceAndEmitsDeployed() throws Exception {
        var blocking = blocking(channel);
        String a = "dev-a-" + UUID.randomUUID();
        String b = "dev-b-" + UUID.randomUUID();
        RegisterDeviceResponse ra = blocking.register(device(a, "plant-1"));
        blocking.register(device(b, "plant-2"));
        assertEquals(a, ra.getDeviceId());
        assertFalse(ra.hasCurrent(), "no deployment yet");

        Watch watchA = watch(a);
        Watch watchB = watch(b);

        String traceparent = "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01";
        ModelOptimized event = modelOptimized("vibration", 3, traceparent);
        produce(event);

        Assignment gotA = watchA.next();
        Assignment gotB = watchB.next();
        assertEquals(gotA.getDeploymentId(), gotB.getDeploymentId());
        String deploymentId = gotA.getDeploymentId();
        VariantSummary recommended = event.getVariants(1);
        assertEquals("vibration", gotA.getModelName());
        assertEquals(3, gotA.getModelVersion());
        assertEquals(recommended.getVariantId(), gotA.getVariantId());
        assertEquals(recommended.getArtifactSha256(), gotA.getArtifactSha256());
        assertEquals(recommended.getSizeBytes(), gotA.getSizeBytes());
        assertEquals("ort", gotA.getFormat());
        // each device's assignment carries a grant to download that artifact, for that device only
        assertGrant(gotA, a);
        assertGrant(gotB, b);
        assertEquals(
                TraceContext.traceId(traceparent),
                TraceContext.traceId(gotA.getTraceparent()),
                "the assignment continues the event's trace");

        // a device registering during the rollout joins it and gets the assignment in the Register response
        String c = "dev-c-" + UUID.randomUUID();
        RegisterDeviceResponse rc = blocking.register(device(c, "plant-1"));
        assertEquals(deploymentId, rc.getCurrent().getDeploymentId());
        assertGrant(rc.getCurrent(), c);

        report(blocking, a, deploymentId, DeviceModelState.DOWNLOADING);
        report(blocking, a, deploymentId, DeviceModelState.ACTIVE);
        report(blocking, b, deploymentId, DeviceModelState.ACTIVE);
        given().get("/deployments/" + deploymentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLING_OUT"))
                .body("devicesTargeted", equalTo(3))
                .body("devicesActive", equalTo(2));

        report(blocking, c, deploymentId, DeviceModelState.ACTIVE);

        Deployed deployed = awaitDeployed(deploymentId);
        assertEquals(List.of(a, b, c).stream().sorted().toList(), deployed.getDeviceIdsList());
        assertEquals(3, deployed.getDevicesTargeted());
        assertEquals(3, deployed.getDevicesActive());
        assertEquals("vibration", deployed.getModelName());
        assertEquals(3, deployed.getModelVersion());
        assertEquals(recommended.getVariantId(), deployed.getVariantId());
        assertEquals(recommended.getArtifactSha256(), deployed.getArtifactSha256());
        assertEquals("vibration@v7", deployed.getSnapshotId());
        assertEquals(event.getMeta().getEventId(), deployed.getMeta().getCausationId());
        assertEquals(event.getMeta().getCorrelationId(), deployed.getMeta().getCorrelationId());
        assertEquals("deployment-service", deployed.getMeta().getProducer());
        assertEquals(
                TraceContext.traceId(traceparent),
                TraceContext.traceId(deployed.getMeta().getTraceparent()));

        given().get("/deployments/" + deploymentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("devicesActive", equalTo(3))
                .body("deployedEventId", equalTo(deployed.getMeta().getEventId()))
                .body("targets", hasSize(3));
        given().get("/devices/" + a)
                .then()
                .statusCode(200)
                .body("labels.site", equalTo("plant-1"))
                .body("capabilities.runtime", equalTo("onnxruntime"))
                .body("models[0].modelName", equalTo("vibration"))
                .body("models[0].desired.deploymentId", equalTo(deploymentId))
                .body("models[0].reported.state", equalTo("ACTIVE"))
                .body("models[0].inSync", equalTo(true))
                .body("inSync", equalTo(true))
                .body("connected", equalTo(true));

        // a redelivered event is deduped: no second deployment, no second assignment
        int before =
                given().get("/deployments").then().statusCode(200).extract().path("size()");
        produce(event);
        ModelOptimized next = modelOptimized("vibration", 4, "");
        produce(next); // ordered after the duplicate on the same partition
        Assignment nextA = watchA.next();
        assertEquals(4, nextA.getModelVersion(), "the duplicate produced no assignment");
        List<Map<String, Object>> all =
                given().get("/deployments").then().statusCode(200).extract().path("$");
        assertEquals(before + 1, all.size());
        assertEquals(4, all.get(0).get("modelVersion"), "newest first");
        assertEquals("ROLLING_OUT", all.get(0).get("status"));

        // a newer watch of the same device replaces the older stream
        Watch again = watch(a);
        assertEquals(nextA.getDeploymentId(), again.next().getDeploymentId(), "current assignment sent at once");
        Throwable ended = watchA.ended();
        assertEquals(Status.Code.ABORTED, Status.fromThrowable(ended).getCode());
    }

    @Test
    void eventWithoutRecommendedVariantGoesToDeadLetterTopic() throws Exception {
        ModelOptimized poison = modelOptimized("poisoned", 1, "").toBuilder()
                .setRecommendedVariantId("no-such-variant")
                .build();
        produce(poison);
        ConsumerRecord<String, byte[]> dead = awaitRecord(
                Topics.deadLetter(Topics.MODEL_OPTIMIZED),
                r -> java.util.Arrays.equals(r.value(), poison.toByteArray()));
        assertNotNull(dead.headers().lastHeader("dead-letter-reason"));
        List<Map<String, Object>> all =
                given().get("/deployments").then().statusCode(200).extract().path("$");
        assertTrue(all.stream().noneMatch(d -> "poisoned".equals(d.get("modelName"))));
    }

    @Test
    void watchOfUnknownDeviceIsNotFound() throws Exception {
        Watch w = watch("never-registered-" + UUID.randomUUID());
        Throwable ended = w.ended();
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(ended).getCode());
    }

    @Test
    void blankDeviceIdIsInvalid() {
        var blocking = blocking(channel);
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> blocking.register(device("  ", "x")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        StatusRuntimeException r = assertThrows(
                StatusRuntimeException.class,
                () -> blocking.reportState(DeviceStateReport.newBuilder()
                        .setDeviceId("x")
                        .setDeploymentId("y")
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, r.getStatus().getCode());
    }

    @Test
    void unknownResourcesAreProblem404() {
        given().get("/deployments/does-not-exist")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"));
        given().get("/devices/does-not-exist").then().statusCode(404).contentType("application/problem+json");
        given().get("/deployments?limit=0").then().statusCode(422).body("errors[0].field", equalTo("limit"));
    }

    private static RegisterDeviceRequest device(String id, String site) {
        return RegisterDeviceRequest.newBuilder()
                .setDeviceId(id)
                .putLabels("site", site)
                .putLabels("suite", "flow") // model "vibration" rolls out to suite=flow in one wave (test config)
                .setCapabilities(DeviceCapabilities.newBuilder()
                        .setArchitecture("amd64")
                        .setRamMb(512)
                        .setRuntime("onnxruntime")
                        .setRuntimeVersion("1.29.0"))
                .build();
    }

    private static void report(
            DeviceServiceGrpc.DeviceServiceBlockingStub stub, String device, String deployment, DeviceModelState s) {
        assertTrue(stub.reportState(DeviceStateReport.newBuilder()
                        .setDeviceId(device)
                        .setDeploymentId(deployment)
                        .setState(s)
                        .build())
                .getAccepted());
    }

    private static ModelOptimized modelOptimized(String model, int version, String traceparent) {
        byte[] fp32 = ("fp32-" + model + version).getBytes(StandardCharsets.UTF_8);
        byte[] ort = ("ort-" + model + version).getBytes(StandardCharsets.UTF_8);
        EventMeta meta = Events.newMeta(
                        "compiler-service", "", UUID.randomUUID().toString())
                .toBuilder()
                .setTraceparent(traceparent)
                .build();
        return ModelOptimized.newBuilder()
                .setMeta(meta)
                .setModelName(model)
                .setModelVersion(version)
                .setSnapshotId(model + "@v7")
                .addVariants(VariantSummary.newBuilder()
                        .setVariantId(model + "-v" + version + "-fp32")
                        .setFormat("onnx")
                        .setArtifactSha256(Hashing.sha256Hex(fp32))
                        .setSizeBytes(fp32.length))
                .addVariants(VariantSummary.newBuilder()
                        .setVariantId(model + "-v" + version + "-ort")
                        .setFormat("ort")
                        .setArtifactSha256(Hashing.sha256Hex(ort))
                        .setSizeBytes(ort.length))
                .setRecommendedVariantId(model + "-v" + version + "-ort")
                .build();
    }

    private static Deployed awaitDeployed(String deploymentId) {
        ConsumerRecord<String, byte[]> r =
                RolloutTestSupport.awaitDeployed(d -> d.getDeploymentId().equals(deploymentId));
        assertNotNull(r.headers().lastHeader("traceparent"));
        assertEquals(
                "edgeloop.events.v1.Deployed",
                new String(r.headers().lastHeader("event-type").value(), StandardCharsets.UTF_8));
        return deployed(r);
    }

    private Watch watch(String deviceId) {
        return Watch.open(channel, deviceId);
    }

    /** {@code a} carries a download grant for {@code device} and its artifact, signed with the grant key. */
    private static void assertGrant(Assignment a, String device) {
        var claims = TestAuth.grantKey()
                .verify(a.getDownloadGrant(), java.time.Clock.systemUTC())
                .orElseThrow(() -> new AssertionError("no valid download grant for " + device));
        try {
            assertEquals(device, claims.getSubject());
            assertEquals("edgeloop", claims.getIssuer());
            assertEquals(a.getArtifactSha256(), claims.getStringClaimValue(DeviceTokens.GRANT_SHA256));
        } catch (org.jose4j.jwt.MalformedClaimException e) {
            throw new AssertionError("malformed download grant for " + device + ": " + e.getMessage(), e);
        }
    }
}
