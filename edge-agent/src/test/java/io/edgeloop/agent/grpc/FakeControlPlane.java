package io.edgeloop.agent.grpc;

import com.google.protobuf.ByteString;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
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
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.quarkus.grpc.GrpcService;
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

    static final BlockingQueue<TelemetryWindow> WINDOWS = new LinkedBlockingQueue<>();
    static final AtomicReference<StreamObserver<Assignment>> WATCH = new AtomicReference<>();
    static final Map<String, byte[]> ARTIFACTS = new ConcurrentHashMap<>();
    /** Id of the registry's signing key. */
    static final String KEY_ID = "registry-test-key";
    /** The registry's signing key pair, generated per test run. */
    static final KeyPair KEY = newKey();

    static final BlockingQueue<String> KEY_REQUESTS = new LinkedBlockingQueue<>();
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

    /** DeviceService double. */
    @GrpcService
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
        public void watchAssignments(WatchAssignmentsRequest request, StreamObserver<Assignment> response) {
            WATCH.set(response);
        }

        @Override
        public void reportState(DeviceStateReport request, StreamObserver<ReportAck> response) {
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
    public static class Artifacts extends ArtifactServiceGrpc.ArtifactServiceImplBase {
        @Override
        public void download(DownloadRequest request, StreamObserver<DownloadChunk> response) {
            DOWNLOADS.add(request.getSha256());
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
