package io.edgeloop.monitoring.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * TelemetryService.Report refuses windows beyond the bounds of TelemetryValidation (times against the server's clock,
 * sizes, counts) with INVALID_ARGUMENT naming the field, and stores nothing of them. Shares the application start
 * (embedded Kafka + PostgreSQL) with {@link MonitoringFlowTest}.
 */
@QuarkusTest
class TelemetryBoundsTest {
    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Test
    void outOfBoundsWindowsAreRefusedWithTheReasonAndNotStored() {
        String device = "bounds-" + UUID.randomUUID();
        Instant now = Instant.now();
        TelemetryWindow future = window("future", device, now.plus(Duration.ofHours(1)));
        assertInvalid(future, "window_end is more than 5 minutes in the future");
        assertInvalid(window("stale", device, now.minus(Duration.ofDays(40))), "window_start is more than 30 days old");
        assertInvalid(
                window("long", device, now).toBuilder()
                        .setWindowStart(ProtoTime.of(now.minus(Duration.ofDays(2))))
                        .build(),
                "window_end - window_start must be at most 86400 s");
        assertInvalid(
                window("huge", device, now).toBuilder()
                        .setInferenceCount(Long.MAX_VALUE)
                        .build(),
                "inference_count must be between 0 and 1000000000");
        assertInvalid(
                window("wide", device, now).toBuilder().setFeatureCount(5000).build(),
                "feature_count must be between 0 and 4096, was 5000");

        assertEquals(
                List.of(),
                telemetry
                        .listWindows(ListWindowsRequest.newBuilder()
                                .setDeviceId(device)
                                .build())
                        .getWindowsList(),
                "nothing of a refused window is stored");
        given().get("/devices/" + device + "/telemetry").then().statusCode(404);

        // the same window inside the bounds is accepted and stored
        assertTrue(telemetry.report(window("ok", device, now.minusSeconds(1))).getAccepted());
        assertEquals(
                List.of("ok-" + device),
                telemetry
                        .listWindows(ListWindowsRequest.newBuilder()
                                .setDeviceId(device)
                                .build())
                        .getWindowsList()
                        .stream()
                        .map(TelemetryWindow::getWindowId)
                        .toList());
    }

    private void assertInvalid(TelemetryWindow w, String reason) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> telemetry.report(w));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
        assertTrue(
                e.getStatus().getDescription().contains(reason), e.getStatus().getDescription());
    }

    /** A valid window of 10 inferences, a minute long, ending at {@code end}. */
    private static TelemetryWindow window(String id, String device, Instant end) {
        return TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + device)
                .setDeviceId(device)
                .setModelName("bounds")
                .setModelVersion(1)
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
