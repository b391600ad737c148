package io.edgeloop.deploy.bench;

import com.google.protobuf.Timestamp;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.grpc.Observers;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.EnrollRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.ReportAck;
import io.edgeloop.proto.deployment.v1.WatchAssignmentsRequest;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatch;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchAck;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One light virtual device: no threads and no model runtime of its own, just its id, its own credential (enrolled
 * with a one-time token like a real agent), a WatchAssignments stream kept open on a channel it shares with a few
 * hundred others, and async calls. On an assignment of the benchmark's model it reports ACTIVE at once (it does not
 * download the artifact).
 */
final class VirtualDevice {
    /** What the fleet wants to hear from a device. */
    interface Listener {
        void assigned(VirtualDevice device, Assignment a);

        void acknowledged(VirtualDevice device);

        void ackFailed(VirtualDevice device, Status status);

        void watchEnded(VirtualDevice device, Status status);
    }

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final long RPC_TIMEOUT_S = 120;
    private static final int REPORT_TRIES = 3;

    final String id;
    final String fleetInstance;
    private final ManagedChannel deployment;
    private final ManagedChannel telemetry;
    private volatile CallCredentials credentials;
    private volatile Assignment assignment;
    /** Attempts to open the watch when the service answers UNAVAILABLE. */
    static final int WATCH_ATTEMPTS = 6;

    volatile boolean watching;

    VirtualDevice(String id, String fleetInstance, ManagedChannel deployment, ManagedChannel telemetry) {
        this.id = id;
        this.fleetInstance = fleetInstance;
        this.deployment = deployment;
        this.telemetry = telemetry;
    }

    /** Trades the one-time enrollment token for the device's own credential (DeviceService.Enroll, anonymous). */
    void enroll(String enrollmentToken) {
        String token = DeviceServiceGrpc.newBlockingStub(deployment)
                .withDeadlineAfter(RPC_TIMEOUT_S, TimeUnit.SECONDS)
                .enroll(EnrollRequest.newBuilder()
                        .setEnrollmentToken(enrollmentToken)
                        .setDeviceId(id)
                        .build())
                .getToken();
        credentials = new Bearer(token);
    }

    /** Registers with labels {@code fleet=bench} and the capabilities of a small amd64 device. */
    void register() {
        devices()
                .register(RegisterDeviceRequest.newBuilder()
                        .setDeviceId(id)
                        .putAllLabels(Map.of("fleet", "bench"))
                        .setCapabilities(DeviceCapabilities.newBuilder()
                                .setArchitecture("amd64")
                                .setRamMb(1024)
                                .setStorageMb(4096)
                                .setRuntime("onnxruntime")
                                .setRuntimeVersion("1.22.0"))
                        .build());
    }

    /**
     * Opens the WatchAssignments stream (no deadline: it stays open). Like a real agent, a device whose watch is
     * refused as UNAVAILABLE (a busy service) opens it again with backoff, up to {@link #WATCH_ATTEMPTS} times.
     */
    void watch(String model, Listener listener) {
        watch(model, listener, 1);
    }

    private void watch(String model, Listener listener, int attempt) {
        DeviceServiceGrpc.newStub(deployment)
                .withCallCredentials(credentials)
                .watchAssignments(
                        WatchAssignmentsRequest.newBuilder().setDeviceId(id).build(),
                        new Watch(model, listener, attempt));
        watching = true;
    }

    /** The assignment of the benchmark's model this device acknowledged, or null. */
    Assignment assignment() {
        return assignment;
    }

    private DeviceServiceGrpc.DeviceServiceBlockingStub devices() {
        return DeviceServiceGrpc.newBlockingStub(deployment)
                .withCallCredentials(credentials)
                .withDeadlineAfter(RPC_TIMEOUT_S, TimeUnit.SECONDS);
    }

    private void reportActive(Assignment a, Listener listener, int attempt) {
        DeviceStateReport report = DeviceStateReport.newBuilder()
                .setDeviceId(id)
                .setDeploymentId(a.getDeploymentId())
                .setState(DeviceModelState.ACTIVE)
                .setModelName(a.getModelName())
                .setModelVersion(a.getModelVersion())
                .setVariantId(a.getVariantId())
                .build();
        DeviceServiceGrpc.newStub(deployment)
                .withCallCredentials(credentials)
                .withDeadlineAfter(RPC_TIMEOUT_S, TimeUnit.SECONDS)
                .reportState(
                        report,
                        Observers.<ReportAck>of(
                                ack -> assignment = a,
                                t -> {
                                    Status s = Status.fromThrowable(t);
                                    if (attempt < REPORT_TRIES && s.getCode() == Status.Code.UNAVAILABLE) {
                                        reportActive(a, listener, attempt + 1);
                                    } else {
                                        listener.ackFailed(VirtualDevice.this, s);
                                    }
                                },
                                () -> listener.acknowledged(VirtualDevice.this)));
    }

    /** Sends telemetry window {@code seq} (TelemetryService.Report) and calls {@code done} with the outcome. */
    void report(int seq, int samples, String run, StreamObserver<TelemetryAck> done) {
        TelemetryServiceGrpc.newStub(telemetry)
                .withCallCredentials(credentials)
                .withDeadlineAfter(RPC_TIMEOUT_S, TimeUnit.SECONDS)
                .report(window(seq, samples, run), done);
    }

    /** Sends windows {@code from .. from + count - 1} in one ReportBatch call. */
    void reportBatch(int from, int count, int samples, String run, StreamObserver<TelemetryBatchAck> done) {
        TelemetryBatch.Builder batch = TelemetryBatch.newBuilder();
        for (int seq = from; seq < from + count; seq++) {
            batch.addWindows(window(seq, samples, run));
        }
        TelemetryServiceGrpc.newStub(telemetry)
                .withCallCredentials(credentials)
                .withDeadlineAfter(RPC_TIMEOUT_S, TimeUnit.SECONDS)
                .reportBatch(batch.build(), done);
    }

    /** A window like an agent's: per-feature statistics, a reservoir sample, class counts, latencies. */
    TelemetryWindow window(int seq, int samples, String run) {
        Assignment a = assignment;
        Instant end = Instant.now();
        Instant start = end.minusSeconds(10);
        int features = SensorSimulator.featureCount();
        TelemetryWindow.Builder w = TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + run + "-" + seq)
                .setDeviceId(id)
                .setModelName(a != null ? a.getModelName() : "fleet-bench")
                .setModelVersion(a != null ? a.getModelVersion() : 1)
                .setVariantId(a != null ? a.getVariantId() : "")
                .setDeploymentId(a != null ? a.getDeploymentId() : "")
                .setWindowStart(Timestamp.newBuilder().setSeconds(start.getEpochSecond()))
                .setWindowEnd(Timestamp.newBuilder().setSeconds(end.getEpochSecond()))
                .setInferenceCount(100)
                .setFeatureCount(features)
                .setSampleCount(samples)
                .setLatencyP50Us(800)
                .setLatencyP99Us(2500)
                .setSource("live");
        SensorSimulator sim = new SensorSimulator(id.hashCode() * 31L + seq);
        for (int i = 0; i < samples; i++) {
            for (float f : sim.next().features()) {
                w.addInputSample(f);
            }
        }
        Random r = new Random(seq);
        for (int f = 0; f < features; f++) {
            double mean = r.nextDouble();
            w.addFeatureStats(FeatureStats.newBuilder()
                    .setMean(mean)
                    .setStd(0.1)
                    .setMin(mean - 0.3)
                    .setMax(mean + 0.3));
        }
        for (String label : SensorSimulator.LABELS) {
            w.putPredictedClassCounts(label, 25);
        }
        return w.build();
    }

    /** Receives assignments; acknowledges the benchmark model's with ACTIVE. */
    private final class Watch implements StreamObserver<Assignment> {
        private final String model;
        private final Listener listener;
        private final int attempt;

        Watch(String model, Listener listener, int attempt) {
            this.model = model;
            this.listener = listener;
            this.attempt = attempt;
        }

        @Override
        public void onNext(Assignment a) {
            if (a.getUnassigned() || !a.getModelName().equals(model)) {
                return;
            }
            listener.assigned(VirtualDevice.this, a);
            reportActive(a, listener, 1);
        }

        @Override
        public void onError(Throwable t) {
            watching = false;
            Status status = Status.fromThrowable(t);
            if (status.getCode() == Status.Code.UNAVAILABLE && attempt < WATCH_ATTEMPTS) {
                CompletableFuture.delayedExecutor(500L << attempt, TimeUnit.MILLISECONDS)
                        .execute(() -> watch(model, listener, attempt + 1));
                return;
            }
            listener.watchEnded(VirtualDevice.this, status);
        }

        @Override
        public void onCompleted() {
            watching = false;
            listener.watchEnded(VirtualDevice.this, Status.OK.withDescription("completed by the server"));
        }
    }

    /** The device's credential as {@code authorization: Bearer <token>} on every call. */
    private static final class Bearer extends CallCredentials {
        private final String header;

        Bearer(String token) {
            this.header = "Bearer " + token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata m = new Metadata();
            m.put(AUTHORIZATION, header);
            applier.apply(m);
        }
    }
}
