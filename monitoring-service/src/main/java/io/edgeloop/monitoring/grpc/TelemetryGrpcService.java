package io.edgeloop.monitoring.grpc;

import io.edgeloop.monitoring.domain.DriftMonitor;
import io.edgeloop.monitoring.domain.TelemetryValidation;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code edgeloop.telemetry.v1.TelemetryService}: edge agents report telemetry windows. Invalid windows get
 * INVALID_ARGUMENT listing every problem; duplicates (same window_id) are acknowledged without effect.
 */
@GrpcService
public class TelemetryGrpcService extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    private static final Logger LOG = Logger.getLogger(TelemetryGrpcService.class);

    @Inject
    DriftMonitor monitor;

    @Override
    @Blocking
    public void report(TelemetryWindow request, StreamObserver<TelemetryAck> responseObserver) {
        List<String> problems = TelemetryValidation.problems(request);
        if (!problems.isEmpty()) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("invalid telemetry window: " + String.join("; ", problems))
                    .asRuntimeException());
            return;
        }
        TelemetryAck ack;
        try {
            ack = monitor.report(request);
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        } catch (RuntimeException e) {
            LOG.errorf(e, "telemetry window %s from %s failed", request.getWindowId(), request.getDeviceId());
            responseObserver.onError(Status.INTERNAL
                    .withDescription("telemetry window " + request.getWindowId() + " could not be stored: " + e)
                    .asRuntimeException());
            return;
        }
        responseObserver.onNext(ack);
        responseObserver.onCompleted();
    }
}
