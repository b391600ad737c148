package io.edgeloop.data.hostile;

import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.ListWindowsResponse;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/** Test-only gRPC service whose methods fail the ways the global interceptor must hide (or keep). */
@GrpcService
public class ThrowingTelemetryService extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    @Override
    public void report(TelemetryWindow request, StreamObserver<TelemetryAck> response) {
        throw new IllegalStateException("insert into windows (device) values ('" + request.getDeviceId() + "')");
    }

    @Override
    public void listWindows(ListWindowsRequest request, StreamObserver<ListWindowsResponse> response) {
        if (request.getLimit() == 7) {
            response.onError(new RuntimeException("select * from windows where org.hibernate"));
            return;
        }
        response.onError(Status.FAILED_PRECONDITION
                .withDescription("deliberate: no windows for " + request.getDeviceId())
                .asRuntimeException());
    }
}
