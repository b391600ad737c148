package io.edgeloop.deploy.bench;

import io.edgeloop.common.grpc.Observers;
import io.edgeloop.deploy.Json;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Many {@link VirtualDevice}s in this process: device {@code k} talks to deployment instance {@code k mod n} and
 * monitoring instance {@code k mod m}, over one of that instance's shared gRPC channels (Netty, one per {@code
 * perChannel} devices, each carrying that many HTTP/2 streams). Setup (enrollment token, Enroll, Register) runs with
 * bounded concurrency; watches, acknowledgements and telemetry are async (no thread per device).
 */
final class VirtualFleet implements AutoCloseable, VirtualDevice.Listener {
    /** A service instance: its name, REST base URL and gRPC port. */
    record Endpoint(String instance, String url, int grpcPort) {}

    /** Outcome of the setup: devices enrolled and registered, failures, the first error, seconds taken. */
    record Setup(int ok, int failed, String firstError, double seconds) {}

    /** Outcome of a wave: devices assigned, acknowledged, failures, first-assignment-to-last-ack seconds. */
    record Wave(int assigned, int acked, int failed, String firstError, double seconds, long lastAckNanos) {}

    /** Outcome of the telemetry phase: windows acked, failed, seconds from the first send to the last answer. */
    record Telemetry(long acked, long failed, String firstError, double seconds) {
        double perSecond() {
            return seconds > 0 ? acked / seconds : 0;
        }
    }

    private final List<Endpoint> deployment;
    private final List<Endpoint> monitoring;
    private final int perChannel;
    private final Consumer<String> log;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final List<VirtualDevice> devices = new ArrayList<>();

    private final AtomicInteger assigned = new AtomicInteger();
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger ackFailed = new AtomicInteger();
    private final AtomicInteger watchesEnded = new AtomicInteger();
    private final AtomicLong firstAssigned = new AtomicLong();
    private final AtomicLong lastAck = new AtomicLong();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private volatile String model = "";

    VirtualFleet(List<Endpoint> deployment, List<Endpoint> monitoring, int perChannel, Consumer<String> log) {
        this.deployment = deployment;
        this.monitoring = monitoring;
        this.perChannel = perChannel;
        this.log = log;
    }

    /** Creates {@code count} devices {@code <prefix>-00001...} on their instances' shared channels. */
    void create(String prefix, int count) {
        for (int k = 0; k < count; k++) {
            Endpoint d = deployment.get(k % deployment.size());
            Endpoint m = monitoring.get(k % monitoring.size());
            int slotD = k / deployment.size() / perChannel;
            int slotM = k / monitoring.size() / perChannel;
            devices.add(new VirtualDevice(
                    String.format("%s-%05d", prefix, k + 1), d.instance(), channel(d, slotD), channel(m, slotM)));
        }
        log.accept(String.format(
                "fleet: %d virtual devices over %d gRPC channels (%d devices per channel)",
                count, channels.size(), perChannel));
    }

    private ManagedChannel channel(Endpoint e, int slot) {
        return channels.computeIfAbsent(
                e.instance() + "#" + slot,
                k -> ManagedChannelBuilder.forAddress("127.0.0.1", e.grpcPort())
                        .usePlaintext()
                        .directExecutor()
                        .build());
    }

    List<VirtualDevice> devices() {
        return devices;
    }

    int channelCount() {
        return channels.size();
    }

    /**
     * Each device as a real one joins: an enrollment token from {@code POST /enrollments} (admin), Enroll for its own
     * credential, Register; {@code concurrency} devices at a time.
     */
    Setup enrollAndRegister(Json.Client admin, int concurrency) throws InterruptedException {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Future<?>> jobs = new ArrayList<>();
        for (VirtualDevice d : devices) {
            jobs.add(pool.submit(() -> {
                try {
                    join(admin, d);
                    int n = done.incrementAndGet();
                    if (n % 1000 == 0) {
                        log.accept(String.format("  %d devices enrolled and registered (%.1f s)", n, since(t0)));
                    }
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    errors.putIfAbsent("setup", d.id + ": " + e);
                }
            }));
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        return new Setup(done.get(), failed.get(), errors.get("setup"), since(t0));
    }

    private void join(Json.Client admin, VirtualDevice d) {
        String url = deployment.stream()
                .filter(e -> e.instance().equals(d.fleetInstance))
                .findFirst()
                .orElseThrow()
                .url();
        Json.Reply r = admin.post(url + "/enrollments", Map.of("deviceId", d.id, "ttl", "PT1H"));
        if (r.status() != 201) {
            throw new IllegalStateException("POST /enrollments answered " + r.status() + ": " + r.body());
        }
        d.enroll(r.body().path("token").asText());
        d.register();
    }

    /** Opens every registered device's WatchAssignments stream; assignments of {@code modelName} are acknowledged. */
    void watchAll(String modelName) {
        this.model = modelName;
        for (VirtualDevice d : devices) {
            d.watch(model, this);
        }
    }

    /** Devices whose watch stream has not ended, per deployment instance. */
    Map<String, Integer> watching() {
        Map<String, Integer> out = new LinkedHashMap<>();
        deployment.forEach(e -> out.put(e.instance(), 0));
        devices.stream().filter(d -> d.watching).forEach(d -> out.merge(d.fleetInstance, 1, Integer::sum));
        return out;
    }

    int watchesEnded() {
        return watchesEnded.get();
    }

    String firstError(String phase) {
        return errors.get(phase);
    }

    /** Waits until {@code expected} devices acknowledged the wave (or {@code timeout}). */
    Wave awaitWave(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 1; acked.get() + ackFailed.get() < expected && System.nanoTime() < deadline; i++) {
            Thread.sleep(250);
            if (i % 8 == 0) {
                log.accept(String.format("  wave: %d assigned, %d acknowledged ACTIVE", assigned.get(), acked.get()));
            }
        }
        double seconds = acked.get() == 0 ? Double.NaN : (lastAck.get() - firstAssigned.get()) / 1e9;
        return new Wave(assigned.get(), acked.get(), ackFailed.get(), errors.get("ack"), seconds, lastAck.get());
    }

    /**
     * Every device sends {@code windowsPerDevice} telemetry windows to its monitoring instance, {@code perCall} of its
     * windows per call (Report when 1, ReportBatch otherwise), at most {@code inFlight} unanswered calls at a time over
     * the whole fleet; no call is made after {@code limit}.
     */
    Telemetry sendTelemetry(int windowsPerDevice, int samples, int perCall, int inFlight, Duration limit)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong last = new AtomicLong();
        String run = Long.toString(System.currentTimeMillis(), 36);
        long t0 = System.nanoTime();
        long stop = t0 + limit.toNanos();
        for (int w = 0; w < windowsPerDevice && System.nanoTime() < stop; w += perCall) {
            int from = w;
            int count = Math.min(perCall, windowsPerDevice - w);
            for (int i = 0; i < devices.size() && System.nanoTime() < stop; i++) {
                VirtualDevice d = devices.get(i);
                permits.acquire();
                Runnable done = () -> {
                    last.set(System.nanoTime());
                    permits.release();
                };
                Consumer<Throwable> fail = t -> {
                    failed.addAndGet(count);
                    errors.putIfAbsent("telemetry", d.id + ": " + Status.fromThrowable(t));
                    done.run();
                };
                if (count == 1) {
                    d.report(from, samples, run, Observers.of(ack -> ok.incrementAndGet(), fail, done));
                } else {
                    d.reportBatch(
                            from,
                            count,
                            samples,
                            run,
                            Observers.of(
                                    reply -> reply.getResultsList().forEach(r -> {
                                        if (r.hasAck()) {
                                            ok.incrementAndGet();
                                        } else {
                                            failed.incrementAndGet();
                                            errors.putIfAbsent("telemetry", d.id + ": refused: " + r.getRefused());
                                        }
                                    }),
                                    fail,
                                    done));
                }
            }
        }
        permits.acquire(inFlight); // every answer in
        permits.release(inFlight);
        return new Telemetry(ok.get(), failed.get(), errors.get("telemetry"), (last.get() - t0) / 1e9);
    }

    @Override
    public void assigned(VirtualDevice device, Assignment a) {
        firstAssigned.compareAndSet(0, System.nanoTime());
        assigned.incrementAndGet();
    }

    @Override
    public void acknowledged(VirtualDevice device) {
        lastAck.set(System.nanoTime());
        acked.incrementAndGet();
    }

    @Override
    public void ackFailed(VirtualDevice device, Status status) {
        ackFailed.incrementAndGet();
        errors.putIfAbsent("ack", device.id + ": " + status);
    }

    @Override
    public void watchEnded(VirtualDevice device, Status status) {
        watchesEnded.incrementAndGet();
        errors.putIfAbsent("watch", device.id + ": " + status);
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Cancels every stream and closes the channels. */
    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
