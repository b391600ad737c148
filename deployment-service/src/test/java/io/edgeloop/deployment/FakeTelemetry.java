package io.edgeloop.deployment;

import com.google.protobuf.Timestamp;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.ListWindowsResponse;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of monitoring-service's {@code TelemetryService.ListWindows}, served on this service's own gRPC test
 * port (the {@code telemetry} client points there): tests put a device's windows; a device can be made "down"
 * (UNAVAILABLE, as when monitoring is unreachable).
 */
@GrpcService
public class FakeTelemetry extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    private static final Map<String, List<TelemetryWindow>> WINDOWS = new ConcurrentHashMap<>();
    private static final Map<String, Integer> REQUESTS = new ConcurrentHashMap<>();
    private static final Set<String> DOWN = ConcurrentHashMap.newKeySet();

    /** Serves {@code windows} for {@code deviceId}. */
    public static void put(String deviceId, List<TelemetryWindow> windows) {
        WINDOWS.put(deviceId, List.copyOf(windows));
    }

    /** Makes ListWindows for {@code deviceId} answer UNAVAILABLE (true) or serve again (false). */
    public static void down(String deviceId, boolean down) {
        if (down) {
            DOWN.add(deviceId);
        } else {
            DOWN.remove(deviceId);
        }
    }

    /** How many ListWindows calls were made for {@code deviceId}. */
    public static int requests(String deviceId) {
        return REQUESTS.getOrDefault(deviceId, 0);
    }

    /** One window ending now (by the {@link TestClock}). */
    public static TelemetryWindow window(
            String model, int version, long inferences, long errors, double p99Us, Map<String, Long> classes) {
        return window(model, version, inferences, errors, 0, p99Us, classes);
    }

    /** One window ending now (by the {@link TestClock}), with client (input) errors. */
    public static TelemetryWindow window(
            String model,
            int version,
            long inferences,
            long errors,
            long clientErrors,
            double p99Us,
            Map<String, Long> classes) {
        Instant now = TestClock.CLOCK.instant();
        Timestamp ts = Timestamp.newBuilder()
                .setSeconds(now.getEpochSecond())
                .setNanos(now.getNano())
                .build();
        return TelemetryWindow.newBuilder()
                .setWindowId(UUID.randomUUID().toString())
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId("x")
                .setWindowStart(ts)
                .setWindowEnd(ts)
                .setInferenceCount(inferences)
                .setErrorCount(errors)
                .setClientErrorCount(clientErrors)
                .setLatencyP50Us(10)
                .setLatencyP99Us(p99Us)
                .putAllPredictedClassCounts(classes)
                .setSource("live")
                .build();
    }

    @Override
    public void listWindows(ListWindowsRequest request, StreamObserver<ListWindowsResponse> response) {
        String id = request.getDeviceId();
        REQUESTS.merge(id, 1, Integer::sum);
        if (DOWN.contains(id)) {
            response.onError(Status.UNAVAILABLE
                    .withDescription("monitoring is down (test)")
                    .asRuntimeException());
            return;
        }
        List<TelemetryWindow> windows = WINDOWS.getOrDefault(id, List.of()).stream()
                .filter(w -> request.getModelName().isEmpty()
                        || request.getModelName().equals(w.getModelName()))
                .filter(w -> request.getModelVersion() == 0 || request.getModelVersion() == w.getModelVersion())
                .filter(w -> !request.hasSince()
                        || w.getWindowEnd().getSeconds() > request.getSince().getSeconds()
                        || (w.getWindowEnd().getSeconds() == request.getSince().getSeconds()
                                && w.getWindowEnd().getNanos()
                                        >= request.getSince().getNanos()))
                .toList();
        response.onNext(ListWindowsResponse.newBuilder().addAllWindows(windows).build());
        response.onCompleted();
    }
}
