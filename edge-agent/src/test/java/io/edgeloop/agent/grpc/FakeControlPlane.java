package io.edgeloop.agent.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.common.auth.TokenMinter;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCredential;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.EnrollRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceResponse;
import io.edgeloop.proto.deployment.v1.ReportAck;
import io.edgeloop.proto.deployment.v1.WatchAssignmentsRequest;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.GetSigningKeysRequest;
import io.edgeloop.proto.registry.v1.SigningKey;
import io.edgeloop.proto.registry.v1.SigningKeys;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test doubles of the control plane's gRPC services, served by the test application's own gRPC server. Static
 * state: the test drives and inspects it.
 */
public final class FakeControlPlane {
    static final BlockingQueue<RegisterDeviceRequest> REGISTRATIONS = new LinkedBlockingQueue<>();
    static final BlockingQueue<DeviceStateReport> REPORTS = new LinkedBlockingQueue<>();
    /** Assignments the Register response carries (its {@code assignments}). */
    static final java.util.List<Assignment> REGISTER_ASSIGNMENTS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Trace id that was current on the server while each report was handled. */
    static final BlockingQueue<String> REPORT_TRACE_IDS = new LinkedBlockingQueue<>();

    /** How many of the next ReportState calls fail with UNAVAILABLE (a busy service) before reports are taken. */
    static final java.util.concurrent.atomic.AtomicInteger REFUSED_REPORTS =
            new java.util.concurrent.atomic.AtomicInteger();

    static final BlockingQueue<TelemetryWindow> WINDOWS = new LinkedBlockingQueue<>();
    static final AtomicReference<StreamObserver<Assignment>> WATCH = new AtomicReference<>();
    static final Map<String, byte[]> ARTIFACTS = new ConcurrentHashMap<>();
    /** Id of the registry's signing key. */
    static final String KEY_ID = "registry-test-key";
    /** The registry's signing key pair, generated per test run. */
    static final KeyPair KEY = newKey();

    static final BlockingQueue<String> KEY_REQUESTS = new LinkedBlockingQueue<>();
    /** The {@code authorization} metadata of the last call of each control-plane method, by full method name. */
    static final Map<String, String> CREDENTIALS = new ConcurrentHashMap<>();
    /** The enrollment token the double accepts, once. */
    static final String ENROLLMENT_TOKEN = "enr_fleet-sync-test";
    /** Every Enroll request. */
    static final BlockingQueue<EnrollRequest> ENROLLMENTS = new LinkedBlockingQueue<>();
    /** The credential the double issued at enrollment. */
    static final AtomicReference<String> ENROLLED = new AtomicReference<>();
    /** The download grant of every Download request, by sha256. */
    static final Map<String, String> GRANTS = new ConcurrentHashMap<>();
    /** The sha256 of every Download request. */
    static final BlockingQueue<String> DOWNLOADS = new LinkedBlockingQueue<>();

    private static KeyPair newKey() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The registry's signature of {@code sha256}: Ed25519 over the raw digest, base64. */
    static String sign(String sha256) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(KEY.getPrivate());
            s.update(HexFormat.of().parseHex(sha256));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private FakeControlPlane() {}

    /** Records the credential each call to the doubles carries in {@link #CREDENTIALS} (the doubles check none). */
    @ApplicationScoped
    public static class CredentialRecorder implements ServerInterceptor {
        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            String value = headers.get(AUTHORIZATION);
            CREDENTIALS.put(call.getMethodDescriptor().getFullMethodName(), value == null ? "<none>" : value);
            return next.startCall(call, headers);
        }
    }

    /** DeviceService double. */
    @GrpcService
    @RegisterInterceptor(CredentialRecorder.class)
    public static class Devices extends DeviceServiceGrpc.DeviceServiceImplBase {
        @Override
        public void register(RegisterDeviceRequest request, StreamObserver<RegisterDeviceResponse> response) {
            REGISTRATIONS.add(request);
            response.onNext(RegisterDeviceResponse.newBuilder()
                    .setDeviceId(request.getDeviceId())
                    .addAllAssignments(REGISTER_ASSIGNMENTS)
                    .build());
            response.onCompleted();
        }

        @Override
        public void enroll(EnrollRequest request, StreamObserver<DeviceCredential> response) {
            ENROLLMENTS.add(request);
            if (!request.getEnrollmentToken().equals(ENROLLMENT_TOKEN) || ENROLLED.get() != null) {
                response.onError(Status.UNAUTHENTICATED.asRuntimeException());
                return;
            }
            TokenMinter.Token credential = TestAuth.token(request.getDeviceId(), Roles.DEVICE);
            ENROLLED.set(credential.value());
            response.onNext(DeviceCredential.newBuilder()
                    .setDeviceId(request.getDeviceId())
                    .setToken(credential.value())
                    .setExpiresAt(Timestamp.newBuilder().setSeconds(credential.expiresAtEpochSecond()))
                    .build());
            response.onCompleted();
        }

        @Override
        public void watchAssignments(WatchAssignmentsRequest request, StreamObserver<Assignment> response) {
            WATCH.set(response);
        }

        @Override
        public void reportState(DeviceStateReport request, StreamObserver<ReportAck> response) {
            if (REFUSED_REPORTS.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                response.onError(Status.UNAVAILABLE
                        .withDescription("the deployment service is busy")
                        .asRuntimeException());
                return;
            }
            REPORTS.add(request);
            REPORT_TRACE_IDS.add(Span.current().getSpanContext().getTraceId());
            response.onNext(ReportAck.newBuilder().setAccepted(true).build());
            response.onCompleted();
        }
    }

    /**
     * ArtifactService double: serves {@link #ARTIFACTS} in 100-byte chunks, the first carrying the signature, and
     * the signing key.
     */
    @GrpcService
    @RegisterInterceptor(CredentialRecorder.class)
    public static class Artifacts extends ArtifactServiceGrpc.ArtifactServiceImplBase {
        @Override
        public void download(DownloadRequest request, StreamObserver<DownloadChunk> response) {
            DOWNLOADS.add(request.getSha256());
            GRANTS.put(request.getSha256(), request.getDownloadGrant());
            byte[] bytes = ARTIFACTS.get(request.getSha256());
            if (bytes == null) {
                response.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            for (long pos = request.getOffset(); pos < bytes.length; pos += 100) {
                boolean first = pos == request.getOffset();
                response.onNext(DownloadChunk.newBuilder()
                        .setSignature(first ? sign(request.getSha256()) : "")
                        .setSigningKeyId(first ? KEY_ID : "")
                        .setOffset(pos)
                        .setData(ByteString.copyFrom(
                                Arrays.copyOfRange(bytes, (int) pos, (int) Math.min(bytes.length, pos + 100))))
                        .setTotalSize(bytes.length)
                        .setSha256(request.getSha256())
                        .build());
            }
            response.onCompleted();
        }

        @Override
        public void getSigningKeys(GetSigningKeysRequest request, StreamObserver<SigningKeys> response) {
            KEY_REQUESTS.add(KEY_ID);
            response.onNext(SigningKeys.newBuilder()
                    .addKeys(SigningKey.newBuilder()
                            .setKeyId(KEY_ID)
                            .setAlgorithm("Ed25519")
                            .setPublicKey(ByteString.copyFrom(KEY.getPublic().getEncoded())))
                    .build());
            response.onCompleted();
        }
    }

    /** TelemetryService double. */
    @GrpcService
    @RegisterInterceptor(CredentialRecorder.class)
    public static class Telemetry extends TelemetryServiceGrpc.TelemetryServiceImplBase {
        @Override
        public void report(TelemetryWindow request, StreamObserver<TelemetryAck> response) {
            WINDOWS.add(request);
            response.onNext(TelemetryAck.newBuilder()
                    .setAccepted(true)
                    .setDriftScore(-1)
                    .build());
            response.onCompleted();
        }
    }
}
