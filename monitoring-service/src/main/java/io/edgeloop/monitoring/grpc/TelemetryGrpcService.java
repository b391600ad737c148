package io.edgeloop.monitoring.grpc;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.monitoring.domain.TelemetryIntake;
import io.edgeloop.monitoring.domain.TelemetryValidation;
import io.edgeloop.monitoring.persistence.TelemetryWindowEntity;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.ListWindowsResponse;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatch;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchResult;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code edgeloop.telemetry.v1.TelemetryService}: edge agents report telemetry windows; health gates list them.
 * Invalid windows or requests get INVALID_ARGUMENT listing every problem by field (including windows beyond the
 * bounds of {@link TelemetryValidation}: sizes, counts, and times against this service's {@link Clock}); nothing of
 * a refused window is stored. Duplicates (same window_id) are acknowledged without effect.
 *
 * <p>Reporting is for devices ({@code device}, only windows of the device that is the token's subject: another
 * device id is PERMISSION_DENIED and nothing is stored) and release operators ({@code release}, any device); listing
 * needs {@code viewer}.
 */
@GrpcService
public class TelemetryGrpcService extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    private static final Logger LOG = Logger.getLogger(TelemetryGrpcService.class);

    @Inject
    TelemetryIntake intake;

    @Inject
    SecurityIdentity identity;

    @Inject
    Clock clock;

    @Override
    @Blocking
    @RolesAllowed({Roles.DEVICE, Roles.RELEASE})
    public void report(TelemetryWindow request, StreamObserver<TelemetryAck> responseObserver) {
        StatusRuntimeException foreign = foreignDevice(request);
        if (foreign != null) {
            responseObserver.onError(foreign);
            return;
        }
        List<String> problems = TelemetryValidation.problems(request, clock.instant());
        if (!problems.isEmpty()) {
            responseObserver.onError(invalid("invalid telemetry window: ", problems));
            return;
        }
        TelemetryAck ack;
        try {
            ack = intake.report(request);
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        } catch (RuntimeException e) {
            LOG.errorf(e, "telemetry window %s from %s failed", request.getWindowId(), request.getDeviceId());
            responseObserver.onError(Status.INTERNAL
                    .withDescription("telemetry window " + abbreviate(request.getWindowId()) + " could not be stored")
                    .asRuntimeException());
            return;
        }
        responseObserver.onNext(ack);
        responseObserver.onCompleted();
    }

    /**
     * {@link #report} for up to {@link TelemetryValidation#MAX_BATCH} windows. The caller must be allowed every
     * window's device (else PERMISSION_DENIED, nothing stored); an invalid window is refused in its result while the
     * others are stored; a window that could not be stored fails the call with UNAVAILABLE (sending the batch again is
     * safe: stored windows are acknowledged as repeats).
     */
    @Override
    @Blocking
    @RolesAllowed({Roles.DEVICE, Roles.RELEASE})
    public void reportBatch(TelemetryBatch request, StreamObserver<TelemetryBatchAck> responseObserver) {
        int n = request.getWindowsCount();
        if (n == 0 || n > TelemetryValidation.MAX_BATCH) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("windows must hold 1 to " + TelemetryValidation.MAX_BATCH + " windows, not " + n)
                    .asRuntimeException());
            return;
        }
        for (TelemetryWindow w : request.getWindowsList()) {
            StatusRuntimeException foreign = foreignDevice(w);
            if (foreign != null) {
                responseObserver.onError(foreign);
                return;
            }
        }
        Instant now = clock.instant();
        String[] refused = new String[n];
        List<TelemetryWindow> valid = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> problems = TelemetryValidation.problems(request.getWindows(i), now);
            if (problems.isEmpty()) {
                valid.add(request.getWindows(i));
            } else {
                refused[i] = "invalid telemetry window: " + String.join("; ", problems);
            }
        }
        List<TelemetryAck> acks;
        try {
            acks = valid.isEmpty() ? List.of() : intake.reportAll(valid);
        } catch (RuntimeException e) {
            LOG.errorf(e, "a telemetry batch of %d windows failed", n);
            responseObserver.onError(Status.UNAVAILABLE
                    .withDescription("the batch's windows could not all be stored; send it again")
                    .asRuntimeException());
            return;
        }
        TelemetryBatchAck.Builder reply = TelemetryBatchAck.newBuilder();
        int next = 0;
        for (int i = 0; i < n; i++) {
            TelemetryBatchResult.Builder r = TelemetryBatchResult.newBuilder()
                    .setWindowId(request.getWindows(i).getWindowId());
            if (refused[i] != null) {
                r.setRefused(refused[i]);
            } else {
                r.setAck(acks.get(next++));
            }
            reply.addResults(r);
        }
        responseObserver.onNext(reply.build());
        responseObserver.onCompleted();
    }

    /**
     * The stored windows of a device, newest first (by window end), without their input samples. An unknown device
     * has none.
     */
    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void listWindows(ListWindowsRequest request, StreamObserver<ListWindowsResponse> responseObserver) {
        List<String> problems = TelemetryValidation.problems(request);
        if (!problems.isEmpty()) {
            responseObserver.onError(invalid("invalid ListWindows request: ", problems));
            return;
        }
        int limit = request.getLimit() == 0 ? TelemetryValidation.DEFAULT_LIST_LIMIT : request.getLimit();
        Instant since = request.hasSince() ? ProtoTime.toInstant(request.getSince()) : null;
        ListWindowsResponse response;
        try {
            response = QuarkusTransaction.requiringNew().call(() -> {
                ListWindowsResponse.Builder b = ListWindowsResponse.newBuilder();
                TelemetryWindowEntity.listWindows(
                                request.getDeviceId(), request.getModelName(), request.getModelVersion(), since, limit)
                        .forEach(w -> b.addWindows(toProto(w)));
                return b.build();
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "listing the telemetry windows of %s failed", request.getDeviceId());
            responseObserver.onError(Status.INTERNAL
                    .withDescription("windows of " + abbreviate(request.getDeviceId()) + " could not be read")
                    .asRuntimeException());
            return;
        }
        responseObserver.onNext(response);
        responseObserver.onCompleted();
    }

    /** The stored summary of a window as the contract's message; input_sample and feature_stats stay empty. */
    static TelemetryWindow toProto(TelemetryWindowEntity w) {
        TelemetryWindow.Builder b = TelemetryWindow.newBuilder()
                .setWindowId(w.windowId)
                .setDeviceId(w.deviceId)
                .setModelName(w.modelName)
                .setModelVersion(w.modelVersion)
                .setVariantId(w.variantId)
                .setInferenceCount(w.inferenceCount)
                .setErrorCount(w.errorCount)
                .setClientErrorCount(w.clientErrorCount)
                .setFeatureCount(w.featureCount)
                .setSampleCount(w.sampleCount)
                .setLatencyP50Us(w.latencyP50Us)
                .setLatencyP99Us(w.latencyP99Us)
                .putAllPredictedClassCounts(w.predictedClassCounts)
                .setSource(w.source);
        if (w.windowStart != null) {
            b.setWindowStart(ProtoTime.of(w.windowStart));
        }
        if (w.windowEnd != null) {
            b.setWindowEnd(ProtoTime.of(w.windowEnd));
        }
        if (w.deploymentId != null) {
            b.setDeploymentId(w.deploymentId);
        }
        return b.build();
    }

    /**
     * PERMISSION_DENIED naming the window's device when the caller may not report for it (a device reports only its
     * own windows), else null.
     */
    private StatusRuntimeException foreignDevice(TelemetryWindow w) {
        String deviceId = w.getDeviceId();
        if (deviceId.isBlank() || Caller.mayActFor(identity, deviceId)) {
            return null;
        }
        LOG.infof("%s may not send telemetry for device %s", Caller.subject(identity), deviceId);
        return Status.PERMISSION_DENIED
                .withDescription("the caller may not send telemetry for device '" + abbreviate(deviceId)
                        + "': a device reports only its own windows")
                .asRuntimeException();
    }

    /** {@code s}, cut to 40 characters: the caller's own id, echoed in an error without echoing a huge one. */
    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static StatusRuntimeException invalid(String prefix, List<String> problems) {
        return Status.INVALID_ARGUMENT
                .withDescription(prefix + String.join("; ", problems))
                .asRuntimeException();
    }
}
