package io.edgeloop.monitoring.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.auth.VerifiedTokenCache;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryBatch;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.arc.ClientProxy;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A device sends telemetry only as itself: device A's token is refused (PERMISSION_DENIED naming B, nothing stored)
 * for windows of device B and accepted for its own; a viewer cannot send telemetry; a release operator can for any
 * device.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class TelemetryScopeTest {
    @GrpcClient("telemetry")
    Channel channel;

    @Inject
    JWTParser parser;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String a = "dev-a-" + run;
    private final String b = "dev-b-" + run;

    @Test
    void aDeviceSendsTelemetryOnlyForItself() {
        TelemetryServiceGrpc.TelemetryServiceBlockingStub asA = stub(TestAuth.bearer(a, Roles.DEVICE));

        StatusRuntimeException e = denied(() -> asA.report(window("forged", b)));
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains("'" + b + "'"), e.getMessage());
        assertEquals(List.of(), windowIds(b), "nothing stored for the device it claimed to be");
        given().get("/devices/" + b + "/telemetry").then().statusCode(404);

        assertTrue(asA.report(window("own", a)).getAccepted());
        assertEquals(List.of("own-" + a), windowIds(a));
        // a batch holding another device's window is refused as a whole: not even A's own window is stored
        denied(() -> asA.reportBatch(TelemetryBatch.newBuilder()
                .addWindows(window("batch-own", a))
                .addWindows(window("batch-forged", b))
                .build()));
        assertEquals(List.of("own-" + a), windowIds(a));
        assertEquals(List.of(), windowIds(b));
        // a device is not a viewer: it cannot read windows, not even its own
        denied(() ->
                asA.listWindows(ListWindowsRequest.newBuilder().setDeviceId(a).build()));
    }

    /**
     * Verified tokens are remembered ({@link VerifiedTokenCache} is the parser SmallRye JWT uses) by their exact text:
     * the same token is accepted again, a copy with its signature altered after an accepted call is verified anew and
     * refused.
     */
    @Test
    void rememberedTokensAreMatchedByTheirExactText() {
        assertTrue(ClientProxy.unwrap(parser) instanceof VerifiedTokenCache, "the parser in use: " + parser);
        String bearer = TestAuth.bearer(a, Roles.DEVICE);
        assertTrue(stub(bearer).report(window("first", a)).getAccepted());
        assertTrue(stub(bearer).report(window("again", a)).getAccepted());
        char last = bearer.charAt(bearer.length() - 2);
        String tampered = bearer.substring(0, bearer.length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + bearer.charAt(bearer.length() - 1);
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> stub(tampered).report(window("tampered", a)));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.getMessage());
        assertEquals(
                List.of("again-" + a, "first-" + a),
                windowIds(a).stream().sorted().toList());
    }

    @Test
    void aViewerCannotSendTelemetry() {
        TelemetryServiceGrpc.TelemetryServiceBlockingStub viewer = stub(TestAuth.bearer("vera", Roles.VIEWER));
        denied(() -> viewer.report(window("viewer", a)));
        assertEquals(List.of(), windowIds(a));
    }

    @Test
    void aReleaseOperatorSendsForAnyDevice() {
        TelemetryServiceGrpc.TelemetryServiceBlockingStub release = stub(TestAuth.bearer("rita", Roles.RELEASE));
        assertTrue(release.report(window("replayed", b)).getAccepted());
        assertEquals(List.of("replayed-" + b), windowIds(b));
    }

    private TelemetryServiceGrpc.TelemetryServiceBlockingStub stub(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        Channel c = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        return TelemetryServiceGrpc.newBlockingStub(c).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** The ids of the device's stored windows, read with the default (admin) token. */
    private List<String> windowIds(String device) {
        return TelemetryServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .listWindows(ListWindowsRequest.newBuilder().setDeviceId(device).build())
                .getWindowsList()
                .stream()
                .map(TelemetryWindow::getWindowId)
                .toList();
    }

    private static StatusRuntimeException denied(Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getMessage());
        return e;
    }

    /** A valid window of 10 inferences with a 2-row sample of 2 features. */
    private static TelemetryWindow window(String id, String device) {
        Instant end = Instant.now().minusSeconds(60);
        return TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + device)
                .setDeviceId(device)
                .setModelName("scope")
                .setModelVersion(1)
                .setVariantId("scope-v1-cpu-fp32")
                .setDeploymentId("dep-scope")
                .setWindowStart(ProtoTime.of(end.minusSeconds(60)))
                .setWindowEnd(ProtoTime.of(end))
                .setInferenceCount(10)
                .setFeatureCount(2)
                .setSampleCount(2)
                .addInputSample(0.5f)
                .addInputSample(1.5f)
                .addInputSample(2.5f)
                .addInputSample(3.5f)
                .putPredictedClassCounts("normal", 10)
                .setLatencyP50Us(12)
                .setLatencyP99Us(30)
                .build();
    }
}
