package io.edgeloop.deployment.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.WatchAssignmentsRequest;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A device acts only as itself: with its own token it registers, watches and reports for its own id, and is refused
 * (PERMISSION_DENIED naming the device, nothing stored) for any other; a viewer cannot act for devices at all; a
 * release operator may act for any device.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DeviceScopeTest {
    @GrpcClient("devices")
    Channel channel;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String a = "dev-a-" + run;
    private final String b = "dev-b-" + run;

    @Test
    void aDeviceCannotActForAnother() throws Exception {
        Channel asA = as(TestAuth.bearer(a, Roles.DEVICE));
        DeviceServiceGrpc.DeviceServiceBlockingStub stubA = blocking(asA);

        denied(b, () -> stubA.register(register(b)));
        given().get("/devices/" + b).then().statusCode(404); // nothing was stored for b
        denied(b, () -> stubA.reportState(report(b)));
        denied(b, () -> {
            throw watch(asA, b).ended();
        });

        assertEquals(a, stubA.register(register(a)).getDeviceId());
        Watch own = watch(asA, a);
        awaitConnected(a, true);
        // its own report passes the device check: the (unknown) deployment is what is refused
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> stubA.reportState(report(a)));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode(), unknown.getMessage());
        own.cancel();
    }

    @Test
    void aViewerCannotActForDevices() throws Exception {
        blocking(channel).register(register(a)); // as the default admin
        Channel asViewer = as(TestAuth.bearer("vera", Roles.VIEWER));
        DeviceServiceGrpc.DeviceServiceBlockingStub viewer = blocking(asViewer);
        deniedByRole(() -> viewer.register(register(a)));
        deniedByRole(() -> viewer.reportState(report(a)));
        deniedByRole(() -> {
            throw watch(asViewer, a).ended();
        });
    }

    @Test
    void aReleaseOperatorActsForAnyDevice() throws Exception {
        Channel asRelease = as(TestAuth.bearer("rita", Roles.RELEASE));
        DeviceServiceGrpc.DeviceServiceBlockingStub release = blocking(asRelease);
        assertEquals(b, release.register(register(b)).getDeviceId());
        given().get("/devices/" + b).then().statusCode(200).body("id", equalTo(b));
        Watch w = watch(asRelease, b);
        awaitConnected(b, true);
        StatusRuntimeException unknown =
                assertThrows(StatusRuntimeException.class, () -> release.reportState(report(b)));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode(), unknown.getMessage());
        w.cancel();
    }

    /** A channel whose calls carry {@code authorization} instead of the app's admin token. */
    private Channel as(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static DeviceServiceGrpc.DeviceServiceBlockingStub blocking(Channel c) {
        return DeviceServiceGrpc.newBlockingStub(c).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static RegisterDeviceRequest register(String id) {
        return RegisterDeviceRequest.newBuilder().setDeviceId(id).build();
    }

    private static DeviceStateReport report(String id) {
        return DeviceStateReport.newBuilder()
                .setDeviceId(id)
                .setDeploymentId("no-such-deployment")
                .setState(DeviceModelState.ACTIVE)
                .build();
    }

    private static void denied(String device, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getMessage());
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains("'" + device + "'"), e.getMessage());
    }

    private static void deniedByRole(Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getMessage());
    }

    private static void awaitConnected(String device, boolean connected) {
        Awaitility.await("device " + device + " connected=" + connected)
                .atMost(20, TimeUnit.SECONDS)
                .until(() -> given().get("/devices/" + device)
                        .then()
                        .statusCode(200)
                        .extract()
                        .<Boolean>path("connected")
                        .equals(connected));
    }

    private static Watch watch(Channel c, String device) {
        Watch w = new Watch();
        w.context.run(() -> DeviceServiceGrpc.newStub(c)
                .watchAssignments(
                        WatchAssignmentsRequest.newBuilder().setDeviceId(device).build(), w));
        return w;
    }

    /** One WatchAssignments stream: how it ended. */
    static final class Watch implements StreamObserver<Assignment> {
        final io.grpc.Context.CancellableContext context =
                io.grpc.Context.current().withCancellation();
        private final CompletableFuture<Throwable> end = new CompletableFuture<>();

        /** The error the stream ended with, waiting for the end (a stream that completes fails the test). */
        StatusRuntimeException ended() throws Exception {
            Throwable t = end.get(20, TimeUnit.SECONDS);
            return assertInstanceOf(StatusRuntimeException.class, t, "the stream ended without an error");
        }

        void cancel() {
            context.cancel(null);
        }

        @Override
        public void onNext(Assignment value) {}

        @Override
        public void onError(Throwable t) {
            end.complete(t);
        }

        @Override
        public void onCompleted() {
            end.complete(null);
        }
    }
}
