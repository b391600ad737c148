package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.ONE_WAVE;
import static io.edgeloop.deployment.FleetTestKit.awaitDeployed;
import static io.edgeloop.deployment.FleetTestKit.awaitRollout;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * An administrator revokes a device in the middle of a rollout: its open WatchAssignments stream ends with
 * PERMISSION_DENIED, its assignments are gone, the rollout completes without it, and every later call for it is
 * refused (with its own token and with an operator's). Rollout control over REST records the caller as the actor.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DeviceRevocationTest {
    @GrpcClient("devices")
    Channel channel;

    @Test
    void aRevokedDeviceIsCutOffAndLeavesTheRollout() throws Exception {
        String run = "rv" + FleetTestKit.run();
        String model = run + "-m";
        String gone = run + "-gone";
        String stays = run + "-stays";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        Channel goneChannel = as(TestAuth.bearer(gone, Roles.DEVICE));
        FleetTestKit asGone = new FleetTestKit(goneChannel);
        FleetTestKit admin = new FleetTestKit(channel);
        Watch goneWatch = asGone.join(gone, Map.of("fleet", run));
        Watch staysWatch = admin.join(stays, Map.of("fleet", run));

        produce(event(model, 1, null));
        Assignment assigned = goneWatch.nextFor(model);
        Assignment other = staysWatch.nextFor(model);
        asGone.report(gone, assigned, DeviceModelState.DOWNLOADING);
        String rollout = awaitRollout(model, 1);

        // a viewer or a release operator cannot revoke; an admin can
        given().header("Authorization", TestAuth.bearer("rita", Roles.RELEASE))
                .delete("/devices/" + gone)
                .then()
                .statusCode(403);
        given().delete("/devices/" + run + "-unknown").then().statusCode(404);
        given().delete("/devices/" + gone).then().statusCode(204);

        StatusRuntimeException cut = assertInstanceOf(StatusRuntimeException.class, goneWatch.ended());
        assertEquals(Status.Code.PERMISSION_DENIED, cut.getStatus().getCode(), cut.getMessage());
        given().get("/devices/" + gone)
                .then()
                .statusCode(200)
                .body("revokedAt", notNullValue())
                .body("connected", equalTo(false))
                .body("models.size()", equalTo(0));

        // the rollout no longer waits for the revoked device
        admin.report(stays, other, DeviceModelState.ACTIVE);
        awaitDeployed(model, 1, "completed");
        given().get("/rollouts/" + rollout)
                .then()
                .statusCode(200)
                .body("targets.find { it.deviceId == '" + gone + "' }.state", equalTo("INCOMPATIBLE"))
                .body("history.find { it.action == 'device-revoked' }.actor", equalTo(TestAuth.ADMIN_SUBJECT))
                .body("history.find { it.action == 'gate-passed' }.actor", equalTo("deployment-service"));

        // every later call for it is refused, whoever makes it: its own credential is no longer valid anywhere
        // (UNAUTHENTICATED), an operator acting for it is told it is revoked; revoking again changes nothing
        for (Channel c : new Channel[] {goneChannel, channel}) {
            Status.Code expected = c == goneChannel ? Status.Code.UNAUTHENTICATED : Status.Code.PERMISSION_DENIED;
            FleetTestKit kit = new FleetTestKit(c);
            revoked(
                    expected,
                    () -> kit.stub()
                            .register(RegisterDeviceRequest.newBuilder()
                                    .setDeviceId(gone)
                                    .putLabels("fleet", run)
                                    .build()));
            revoked(expected, () -> kit.report(gone, assigned, DeviceModelState.ACTIVE));
            StatusRuntimeException watch = assertInstanceOf(
                    StatusRuntimeException.class, Watch.open(c, gone).ended());
            assertEquals(expected, watch.getStatus().getCode(), watch.getMessage());
        }
        given().delete("/devices/" + gone).then().statusCode(204);

        // a manual rollback records the operator who asked for it
        given().header("Authorization", TestAuth.bearer("rita", Roles.RELEASE))
                .post("/rollouts/" + rollout + "/rollback")
                .then()
                .statusCode(200)
                .body("history.actor", hasItem("rita"))
                .body("history.find { it.action == 'rolled-back' }.actor", equalTo("rita"));
        assertTrue(staysWatch.nextFor(model).getUnassigned(), "the remaining device is unassigned by the rollback");
    }

    private Channel as(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static void revoked(Status.Code expected, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getMessage());
        if (expected == Status.Code.PERMISSION_DENIED) {
            assertTrue(String.valueOf(e.getStatus().getDescription()).contains("revoked"), e.getMessage());
        }
    }
}
