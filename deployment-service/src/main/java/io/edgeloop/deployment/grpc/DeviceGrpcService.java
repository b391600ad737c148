package io.edgeloop.deployment.grpc;

import com.google.protobuf.Timestamp;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.common.auth.TokenMinter;
import io.edgeloop.deployment.domain.AssignmentPush;
import io.edgeloop.deployment.domain.DeviceIssuer;
import io.edgeloop.deployment.domain.DeviceRevokedException;
import io.edgeloop.deployment.domain.Enrollment;
import io.edgeloop.deployment.domain.EnrollmentRefusedException;
import io.edgeloop.deployment.domain.EnrollmentUnavailableException;
import io.edgeloop.deployment.domain.FleetService;
import io.edgeloop.deployment.domain.RegisterOutcome;
import io.edgeloop.deployment.domain.ReportIntake;
import io.edgeloop.deployment.domain.UnknownEntityException;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.kit.batch.Admission;
import io.edgeloop.kit.input.FieldLimits;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCredential;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.EnrollRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceResponse;
import io.edgeloop.proto.deployment.v1.RenewCredentialRequest;
import io.edgeloop.proto.deployment.v1.ReportAck;
import io.edgeloop.proto.deployment.v1.WatchAssignmentsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * DeviceService: devices register, watch their desired assignments (one per model) and report what they run. WatchAssignments
 * returns as soon as the stream is registered in the {@link WatchHub}: no thread is held per stream.
 *
 * <p>Enroll is open: its one-time enrollment token is the credential; RenewCredential is for the device itself. Every
 * other method is for devices ({@code device}, acting only for the device id that is its token's subject) and for
 * release operators ({@code release}, any device); a call for another device is {@code PERMISSION_DENIED}, and so is
 * every call for a revoked device. The caller is checked on the calling thread, before anything is read or a stream is
 * registered.
 */
@GrpcService
@RolesAllowed({Roles.DEVICE, Roles.RELEASE})
public class DeviceGrpcService extends DeviceServiceGrpc.DeviceServiceImplBase {
    private static final Logger LOG = Logger.getLogger(DeviceGrpcService.class);
    /** Longest device id (the column size). */
    private static final int MAX_ID = FieldLimits.ID;

    @Inject
    FleetService fleet;

    @Inject
    WatchHub hub;

    @Inject
    ReportIntake reports;

    @Inject
    SecurityIdentity identity;

    @Inject
    Enrollment enrollment;

    @Inject
    DeviceIssuer issuer;

    @Inject
    WatchOpens watchOpens;

    @Override
    @Blocking
    public void register(RegisterDeviceRequest request, StreamObserver<RegisterDeviceResponse> response) {
        String deviceId = request.getDeviceId().trim();
        if (refused(deviceId, response)) {
            return;
        }
        RegisterOutcome outcome;
        try {
            outcome = fleet.register(request);
        } catch (IllegalArgumentException e) {
            response.onError(invalid(e));
            return;
        } catch (DeviceRevokedException e) {
            response.onError(revoked(e));
            return;
        }
        var reply = RegisterDeviceResponse.newBuilder().setDeviceId(deviceId);
        List<Assignment> granted = outcome.assignments().stream()
                .map(a -> issuer.withGrant(deviceId, a))
                .toList();
        reply.addAllAssignments(granted);
        if (!granted.isEmpty()) {
            reply.setCurrent(granted.get(0)); // single-model agents: the first by model name
        }
        response.onNext(reply.build());
        response.onCompleted();
        hub.pushAll(outcome.pushes());
    }

    @Override
    @Blocking
    public void watchAssignments(WatchAssignmentsRequest request, StreamObserver<Assignment> response) {
        String deviceId = request.getDeviceId().trim();
        if (refused(deviceId, response)) {
            return;
        }
        // a reconnecting fleet queues here for its database reads instead of timing out at the connection pool
        List<AssignmentPush> current;
        try (Admission.Permit turn = watchOpens.enter()) {
            current = open(deviceId, response);
        } catch (Admission.Busy e) {
            response.onError(busy(e, "opening the watch of " + deviceId));
            return;
        }
        if (current != null) {
            hub.pushAll(current); // every model's current desired state at once
            LOG.debugf("device %s watches assignments (%d live streams)", deviceId, hub.liveStreams());
        }
    }

    /** Registers {@code deviceId}'s stream and reads its assignments; null when the call was ended instead. */
    private List<AssignmentPush> open(String deviceId, StreamObserver<Assignment> response) {
        try {
            fleet.requireEnrolled(deviceId);
        } catch (UnknownEntityException e) {
            response.onError(notFound(deviceId));
            return null;
        } catch (DeviceRevokedException e) {
            response.onError(revoked(e));
            return null;
        } catch (RuntimeException e) {
            response.onError(busy(e, "opening the watch of " + deviceId));
            return null;
        }
        // register the stream before reading the current assignment: a rollout committing in between is pushed to
        // it, and the stream drops the then-older current assignment (a revocation committing in between is seen by
        // the read below, or ends the registered stream)
        WatchHub.LiveStream stream = hub.open(deviceId, response);
        if (stream == null) {
            return null;
        }
        try {
            return fleet.assignmentsOf(deviceId);
        } catch (UnknownEntityException e) {
            stream.abort(e.getMessage());
        } catch (DeviceRevokedException e) {
            hub.end(stream, Status.PERMISSION_DENIED.withDescription(e.getMessage()));
        } catch (RuntimeException e) {
            StatusRuntimeException busy = busy(e, "reading the assignments of " + deviceId);
            hub.end(stream, busy.getStatus());
        }
        return null;
    }

    @Override
    @Blocking
    public void reportState(DeviceStateReport request, StreamObserver<ReportAck> response) {
        if (refused(request.getDeviceId(), response)) {
            return;
        }
        try {
            reports.report(request);
        } catch (IllegalArgumentException e) {
            response.onError(invalid(e));
            return;
        } catch (UnknownEntityException e) {
            response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (DeviceRevokedException e) {
            response.onError(revoked(e));
            return;
        } catch (RuntimeException e) {
            response.onError(busy(e, "recording the state report of " + request.getDeviceId()));
            return;
        }
        response.onNext(ReportAck.newBuilder().setAccepted(true).build());
        response.onCompleted();
    }

    @Override
    @Blocking
    @PermitAll // the one-time enrollment token is the credential
    public void enroll(EnrollRequest request, StreamObserver<DeviceCredential> response) {
        String deviceId = request.getDeviceId().trim();
        if (deviceId.isBlank() || deviceId.length() > MAX_ID) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("device_id must be 1 to " + MAX_ID + " characters")
                    .asRuntimeException());
            return;
        }
        if (request.getEnrollmentToken().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("enrollment_token is required")
                    .asRuntimeException());
            return;
        }
        credential(
                deviceId, () -> enrollment.enroll(request.getEnrollmentToken().trim(), deviceId), response);
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.DEVICE)
    public void renewCredential(RenewCredentialRequest request, StreamObserver<DeviceCredential> response) {
        String deviceId = request.getDeviceId().trim();
        if (refused(deviceId, response)) {
            return;
        }
        if (!Caller.isDevice(identity)) {
            response.onError(Status.PERMISSION_DENIED
                    .withDescription("only the device itself renews its credential")
                    .asRuntimeException());
            return;
        }
        credential(deviceId, () -> enrollment.renew(deviceId), response);
    }

    private static void credential(
            String deviceId, Supplier<TokenMinter.Token> issue, StreamObserver<DeviceCredential> response) {
        TokenMinter.Token token;
        try {
            token = issue.get();
        } catch (EnrollmentRefusedException e) {
            Status status = e.unauthenticated() ? Status.UNAUTHENTICATED : Status.PERMISSION_DENIED;
            response.onError(status.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (EnrollmentUnavailableException e) {
            response.onError(
                    Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        response.onNext(DeviceCredential.newBuilder()
                .setDeviceId(deviceId)
                .setToken(token.value())
                .setExpiresAt(Timestamp.newBuilder().setSeconds(token.expiresAtEpochSecond()))
                .build());
        response.onCompleted();
    }

    /**
     * Answers (and returns true) when the call cannot go on: INVALID_ARGUMENT for a blank device id, PERMISSION_DENIED
     * when the caller may not act for {@code deviceId} (a device token for another device).
     */
    private boolean refused(String deviceId, StreamObserver<?> response) {
        if (deviceId.isBlank()) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("device_id must not be blank")
                    .asRuntimeException());
            return true;
        }
        if (!Caller.mayActFor(identity, deviceId)) {
            LOG.infof("%s may not act for device %s", Caller.subject(identity), deviceId);
            response.onError(Status.PERMISSION_DENIED
                    .withDescription(
                            "the caller may not act for device '" + deviceId + "': a device acts only for" + " itself")
                    .asRuntimeException());
            return true;
        }
        return false;
    }

    /**
     * UNAVAILABLE for a failure of the service's own resources (the database pool exhausted by a burst of
     * connections, a report not applied in time): nothing was changed, and devices retry with backoff.
     */
    private static StatusRuntimeException busy(RuntimeException e, String what) {
        LOG.warnf(e, "%s failed", what);
        return Status.UNAVAILABLE
                .withDescription(what + " failed: the deployment service is busy; retry with backoff")
                .asRuntimeException();
    }

    private static RuntimeException invalid(IllegalArgumentException e) {
        return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }

    private static RuntimeException revoked(DeviceRevokedException e) {
        return Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException();
    }

    private static RuntimeException notFound(String deviceId) {
        return Status.NOT_FOUND
                .withDescription("device '" + deviceId + "' is not registered; call Register first")
                .asRuntimeException();
    }
}
