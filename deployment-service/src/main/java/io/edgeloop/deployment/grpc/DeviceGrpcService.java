package io.edgeloop.deployment.grpc;

import io.edgeloop.deployment.domain.AssignmentPush;
import io.edgeloop.deployment.domain.FleetService;
import io.edgeloop.deployment.domain.RegisterOutcome;
import io.edgeloop.deployment.domain.UnknownEntityException;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceResponse;
import io.edgeloop.proto.deployment.v1.ReportAck;
import io.edgeloop.proto.deployment.v1.WatchAssignmentsRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * DeviceService: devices register, watch their desired assignments (one per model) and report what they run. WatchAssignments
 * returns as soon as the stream is registered in the {@link WatchHub}: no thread is held per stream.
 */
@GrpcService
public class DeviceGrpcService extends DeviceServiceGrpc.DeviceServiceImplBase {
    private static final Logger LOG = Logger.getLogger(DeviceGrpcService.class);

    @Inject
    FleetService fleet;

    @Inject
    WatchHub hub;

    @Override
    @Blocking
    public void register(RegisterDeviceRequest request, StreamObserver<RegisterDeviceResponse> response) {
        RegisterOutcome outcome;
        try {
            outcome = fleet.register(request);
        } catch (IllegalArgumentException e) {
            response.onError(invalid(e));
            return;
        }
        var reply = RegisterDeviceResponse.newBuilder()
                .setDeviceId(request.getDeviceId().trim());
        reply.addAllAssignments(outcome.assignments());
        if (!outcome.assignments().isEmpty()) {
            reply.setCurrent(outcome.assignments().get(0)); // single-model agents: the first by model name
        }
        response.onNext(reply.build());
        response.onCompleted();
        hub.pushAll(outcome.pushes());
    }

    @Override
    @Blocking
    public void watchAssignments(WatchAssignmentsRequest request, StreamObserver<Assignment> response) {
        String deviceId = request.getDeviceId().trim();
        if (deviceId.isEmpty()) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("device_id must not be blank")
                    .asRuntimeException());
            return;
        }
        if (!fleet.isRegistered(deviceId)) {
            response.onError(notFound(deviceId));
            return;
        }
        // register the stream before reading the current assignment: a rollout committing in between is pushed to
        // it, and the stream drops the then-older current assignment
        WatchHub.LiveStream stream = hub.open(deviceId, response);
        if (stream == null) {
            return;
        }
        List<AssignmentPush> current;
        try {
            current = fleet.assignmentsOf(deviceId);
        } catch (UnknownEntityException e) {
            stream.abort(e.getMessage());
            return;
        }
        hub.pushAll(current); // every model's current desired state at once
        LOG.debugf("device %s watches assignments (%d live streams)", deviceId, hub.liveStreams());
    }

    @Override
    @Blocking
    public void reportState(DeviceStateReport request, StreamObserver<ReportAck> response) {
        try {
            fleet.report(request);
        } catch (IllegalArgumentException e) {
            response.onError(invalid(e));
            return;
        } catch (UnknownEntityException e) {
            response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        response.onNext(ReportAck.newBuilder().setAccepted(true).build());
        response.onCompleted();
    }

    private static RuntimeException invalid(IllegalArgumentException e) {
        return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }

    private static RuntimeException notFound(String deviceId) {
        return Status.NOT_FOUND
                .withDescription("device '" + deviceId + "' is not registered; call Register first")
                .asRuntimeException();
    }
}
