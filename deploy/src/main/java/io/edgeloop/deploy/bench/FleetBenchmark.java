package io.edgeloop.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.deploy.Json;
import io.edgeloop.deploy.LocalStack;
import io.edgeloop.deploy.LocalStackBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet-scale benchmark: starts the local stack (no agents, free ports) with {@code replicas} instances of the
 * deployment and monitoring services at their default heaps, connects a {@link VirtualFleet}, then measures, in one
 * run: devices connected (live WatchAssignments streams the deployment service holds, counted in its heap), live heap
 * per connected device (after a full GC, before enrolling vs. after connecting), telemetry windows per second
 * acknowledged by monitoring (measured before the wave, so that a wave that never completes leaves it measured), and
 * the time to push a real rollout wave to every device (an uploaded ONNX model, a policy selecting the whole fleet in
 * one wave: first assignment received to last ACTIVE acknowledged). Prints each figure next to its target as soon as
 * it is measured, and the whole table at the end.
 */
public final class FleetBenchmark {
    /** Targets of the fleet-scale issue. */
    static final int TARGET_DEVICES = 10_000;

    static final double TARGET_HEAP_KB = 20;
    static final double TARGET_WAVE_S = 30;
    static final double TARGET_WINDOWS_PER_S = 2_000;

    static final String MODEL = "fleet-bench";
    static final String DATASET = "fleet-bench-sensors";
    private static final String DEPLOYMENT = "deployment-service";
    private static final String MONITORING = "monitoring-service";

    /**
     * What to run.
     *
     * @param home repository root with the built services
     * @param workDir where data and logs go (null: a temporary directory removed at the end)
     * @param devices virtual devices
     * @param replicas instances of the deployment and of the monitoring service
     * @param windows telemetry windows per device
     * @param windowSamples input samples per window (the agent's reservoir holds 64)
     * @param perChannel devices sharing one gRPC channel
     * @param setupConcurrency devices enrolling and registering at a time
     * @param telemetryInFlight unanswered telemetry calls at a time, fleet-wide
     * @param telemetryBatch windows of one device per call (1: Report, more: ReportBatch)
     * @param telemetryLimit longest time to send telemetry for (no new window is sent after it)
     * @param waveTimeout longest wait for the wave
     */
    public record Settings(
            Path home,
            Path workDir,
            int devices,
            int replicas,
            int windows,
            int windowSamples,
            int perChannel,
            int setupConcurrency,
            int telemetryInFlight,
            int telemetryBatch,
            Duration telemetryLimit,
            Duration waveTimeout,
            String deploymentHeap) {}

    /** One line of the report. */
    private record Row(String metric, String measured, String target, String ratio, String verdict) {}

    private final Settings s;
    private final long start = System.nanoTime();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private FleetBenchmark(Settings settings) {
        this.s = settings;
    }

    /** Runs the benchmark and prints the report; 0 when every target is met, 1 otherwise, 2 when it broke. */
    public static int run(Settings settings) throws InterruptedException {
        return new FleetBenchmark(settings).execute();
    }

    private int execute() throws InterruptedException {
        LocalStackBuilder b = LocalStack.builder()
                .home(s.home())
                .agents(0)
                .zipkin(false)
                .fixedPorts(false)
                .replicas(Map.of(DEPLOYMENT, s.replicas(), MONITORING, s.replicas()))
                .log(this::say);
        if (s.workDir() != null) {
            b.workDir(s.workDir());
        }
        if (s.deploymentHeap() != null) {
            b.heap(DEPLOYMENT, s.deploymentHeap());
        }
        LocalStack stack = b.build();
        Thread hook = new Thread(stack::close);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stack.start();
            measure(stack);
        } catch (RuntimeException e) {
            say("BENCHMARK BROKE: " + e);
            note("broke: " + e);
            print(stack);
            return 2;
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        return rows.stream().allMatch(r -> !r.verdict().equals("FAIL")) ? 0 : 1;
    }

    private void measure(LocalStack stack) throws InterruptedException {
        Json.Client admin = new Json.Client(stack.adminToken(), Duration.ofSeconds(120));
        List<VirtualFleet.Endpoint> deployment = endpoints(stack, DEPLOYMENT);
        List<VirtualFleet.Endpoint> monitoring = endpoints(stack, MONITORING);
        prepareRollout(stack, admin);
        Map<String, HeapProbe.Sample> before = new LinkedHashMap<>();
        for (VirtualFleet.Endpoint e : deployment) {
            before.put(e.instance(), HeapProbe.sample(stack.pid(e.instance()), HeapProbe.LIVE_STREAM));
            say(String.format(
                    "%s: live heap %.1f MiB before any device, -Xmx %s",
                    e.instance(), before.get(e.instance()).liveBytes() / 1048576.0, mib(stack, e.instance())));
        }
        try (VirtualFleet fleet = new VirtualFleet(deployment, monitoring, s.perChannel(), this::say)) {
            fleet.create("bench", s.devices());
            say("enrolling and registering " + s.devices() + " devices, " + s.setupConcurrency() + " at a time");
            VirtualFleet.Setup setup = fleet.enrollAndRegister(admin, s.setupConcurrency());
            say(String.format(
                    "setup: %d ok, %d failed in %.1f s%s",
                    setup.ok(),
                    setup.failed(),
                    setup.seconds(),
                    setup.firstError() == null ? "" : " (first error: " + setup.firstError() + ")"));
            fleet.watchAll(MODEL);
            Map<String, HeapProbe.Sample> after = awaitStreams(stack, fleet, deployment, setup.ok());
            connectedRows(stack, fleet, deployment, before, after);
            // telemetry first: a wave that never completes leaves the throughput figure measured
            telemetry(stack, fleet);
            wave(stack, admin, fleet, setup.ok());
            add(new Row(
                    "enrollment + registration (token, Enroll, Register)",
                    String.format(
                            "%d devices in %.1f s (%.0f/s)", setup.ok(), setup.seconds(), setup.ok() / setup.seconds()),
                    "-",
                    "-",
                    setup.failed() == 0 ? "" : setup.failed() + " failed"));
            if (fleet.watchesEnded() > 0) {
                note(fleet.watchesEnded() + " watch streams ended early; first: " + fleet.firstError("watch"));
            }
        }
        print(stack);
    }

    private static List<VirtualFleet.Endpoint> endpoints(LocalStack stack, String service) {
        return stack.instances(service).stream()
                .map(i -> new VirtualFleet.Endpoint(i, stack.url(i), stack.grpcPort(i)))
                .toList();
    }

    /** The policy (every device labelled fleet=bench, one wave) and the snapshot the upload is validated on. */
    private void prepareRollout(LocalStack stack, Json.Client admin) {
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("canaryPercent", 100);
        rollout.put("soakTimeMs", 1000);
        rollout.put("onNoTelemetry", "pass");
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("selector", Map.of("fleet", "bench"));
        policy.put("autoRollout", true);
        policy.put("rollout", rollout);
        policy.put("promotion", Map.of("minAccuracy", 0.0, "maxAccuracyDrop", 1.0));
        admin.put(stack.url(DEPLOYMENT) + "/policies/" + MODEL, policy).expect(200, 201);
        BenchModel.dataset(admin, stack.url("data-service"), DATASET, 240);
        say("policy " + MODEL + " (fleet=bench, one wave) set; dataset " + DATASET + " snapshot v1 cut");
    }

    /**
     * Waits until the deployment instances hold a live stream per registered device (counted in their heaps), or
     * until the count stops growing; returns the last heap samples.
     */
    private Map<String, HeapProbe.Sample> awaitStreams(
            LocalStack stack, VirtualFleet fleet, List<VirtualFleet.Endpoint> deployment, int expected)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(3).toNanos();
        long best = -1;
        long stableSince = System.nanoTime();
        Map<String, HeapProbe.Sample> samples = new LinkedHashMap<>();
        while (true) {
            Thread.sleep(2000);
            long total = 0;
            for (VirtualFleet.Endpoint e : deployment) {
                HeapProbe.Sample sample = HeapProbe.sample(stack.pid(e.instance()), HeapProbe.LIVE_STREAM);
                samples.put(e.instance(), sample);
                total += sample.instances();
            }
            say(String.format("  streams open on the deployment instances: %d of %d", total, expected));
            if (total > best) {
                best = total;
                stableSince = System.nanoTime();
            }
            if (total >= expected
                    || System.nanoTime() > deadline
                    || System.nanoTime() - stableSince > Duration.ofSeconds(30).toNanos()) {
                break;
            }
        }
        say(String.format(
                "streams open after %.1f s; client side: %s", (System.nanoTime() - t0) / 1e9, fleet.watching()));
        return samples;
    }

    private void connectedRows(
            LocalStack stack,
            VirtualFleet fleet,
            List<VirtualFleet.Endpoint> deployment,
            Map<String, HeapProbe.Sample> before,
            Map<String, HeapProbe.Sample> after) {
        long total = 0;
        for (VirtualFleet.Endpoint e : deployment) {
            HeapProbe.Sample a = after.get(e.instance());
            total += a.instances();
            // one instance: the target; several: each holds its share of this run's devices
            long target =
                    deployment.size() == 1 ? TARGET_DEVICES : (s.devices() + deployment.size() - 1) / deployment.size();
            add(atLeast("devices connected (streams open), " + e.instance(), a.instances(), target, "%d"));
            double kb = a.instances() == 0
                    ? Double.NaN
                    : (a.liveBytes() - before.get(e.instance()).liveBytes()) / 1024.0 / a.instances();
            add(atMost(
                    "heap per connected device, " + e.instance() + " (-Xmx " + mib(stack, e.instance()) + ")",
                    kb,
                    TARGET_HEAP_KB,
                    "%.2f KB"));
            note(String.format(
                    "%s live heap after full GC: %.1f MiB before enrolling, %.1f MiB with %d streams",
                    e.instance(),
                    before.get(e.instance()).liveBytes() / 1048576.0,
                    a.liveBytes() / 1048576.0,
                    a.instances()));
        }
        if (deployment.size() > 1) {
            add(atLeast("devices connected (streams open), all instances", total, TARGET_DEVICES, "%d"));
        }
    }

    /** Uploads the model: its rollout assigns it to every device, which acknowledge with ACTIVE. */
    private void wave(LocalStack stack, Json.Client admin, VirtualFleet fleet, int expected)
            throws InterruptedException {
        long t0 = System.nanoTime();
        Json.Reply up = admin.postBytes(
                stack.url("compiler-service") + "/models?name=" + MODEL + "&dataset=" + DATASET + "&datasetVersion=1",
                BenchModel.classifier(8, 4, 11));
        if (up.status() != 201) {
            throw new IllegalStateException("model upload answered " + up.status() + ": " + up.body());
        }
        say(String.format(
                "model %s v%d uploaded and compiled in %.1f s; waiting for the wave",
                MODEL, up.body().path("modelVersion").asInt(), (System.nanoTime() - t0) / 1e9));
        long uploaded = System.nanoTime();
        VirtualFleet.Wave w = fleet.awaitWave(expected, s.waveTimeout());
        add(atMost(
                String.format("rollout wave, %d devices: first assignment -> last ACTIVE ack", w.acked()),
                w.acked() < expected ? Double.NaN : w.seconds(),
                TARGET_WAVE_S,
                "%.1f s"));
        if (w.acked() > 0) {
            note(String.format(
                    "wave: %d assigned, %d acknowledged, %d acks failed; upload accepted -> last ack %.1f s%s",
                    w.assigned(),
                    w.acked(),
                    w.failed(),
                    (w.lastAckNanos() - uploaded) / 1e9,
                    w.firstError() == null ? "" : "; first failure: " + w.firstError()));
        } else {
            note("wave: no device acknowledged within " + s.waveTimeout() + " (" + w.assigned() + " assigned)");
        }
        note("rollout: " + rolloutStatus(stack, admin));
    }

    private static String rolloutStatus(LocalStack stack, Json.Client admin) {
        try {
            for (JsonNode r :
                    admin.get(stack.url(DEPLOYMENT) + "/rollouts?limit=10").body()) {
                if (r.path("modelName").asText().equals(MODEL)) {
                    return r.path("id").asText() + " " + r.path("status").asText() + " "
                            + r.path("statusReason").asText("");
                }
            }
            return "none found";
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private void telemetry(LocalStack stack, VirtualFleet fleet) throws InterruptedException {
        say(String.format(
                "telemetry: %d windows per device (%d input samples each), %d per call, %d calls in flight, for at"
                        + " most %s",
                s.windows(), s.windowSamples(), s.telemetryBatch(), s.telemetryInFlight(), s.telemetryLimit()));
        VirtualFleet.Telemetry t = fleet.sendTelemetry(
                s.windows(), s.windowSamples(), s.telemetryBatch(), s.telemetryInFlight(), s.telemetryLimit());
        add(atLeast("telemetry windows/s acknowledged by monitoring", t.perSecond(), TARGET_WINDOWS_PER_S, "%.0f"));
        note(String.format(
                "telemetry: %d windows acknowledged, %d failed in %.1f s%s",
                t.acked(),
                t.failed(),
                t.seconds(),
                t.firstError() == null ? "" : "; first failure: " + t.firstError()));
    }

    private static Row atLeast(String metric, double measured, double target, String fmt) {
        String m = fmt.equals("%d") ? String.format(fmt, (long) measured) : String.format(fmt, measured);
        String t = fmt.equals("%d") ? String.format(">= %d", (long) target) : String.format(">= %.0f", target);
        return new Row(metric, m, t, String.format("%.2f", measured / target), measured >= target ? "PASS" : "FAIL");
    }

    private static Row atMost(String metric, double measured, double target, String fmt) {
        if (Double.isNaN(measured)) {
            return new Row(metric, "n/a", String.format("<= " + fmt, target), "-", "FAIL");
        }
        return new Row(
                metric,
                String.format(fmt, measured),
                String.format("<= " + fmt, target),
                String.format("%.2f", measured / target),
                measured <= target ? "PASS" : "FAIL");
    }

    private static String mib(LocalStack stack, String instance) {
        long max = HeapProbe.maxHeap(stack.pid(instance));
        return max < 0 ? "?" : (max / 1048576) + "m";
    }

    private void print(LocalStack stack) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%nFleet benchmark: %d virtual devices, %d deployment + %d monitoring instance(s), %d devices per"
                        + " gRPC channel, %d CPU cores%n",
                s.devices(),
                s.replicas(),
                s.replicas(),
                s.perChannel(),
                Runtime.getRuntime().availableProcessors()));
        int w = width(Row::metric, 6);
        int m = width(Row::measured, 8);
        int t = width(Row::target, 6);
        String fmt = "| %-" + w + "s | %-" + m + "s | %-" + t + "s | %-5s | %-4s |%n";
        out.append(String.format(fmt, "metric", "measured", "target", "ratio", ""));
        out.append(String.format(fmt, "-".repeat(w), "-".repeat(m), "-".repeat(t), "-".repeat(5), "-".repeat(4)));
        rows.forEach(r -> out.append(String.format(fmt, r.metric(), r.measured(), r.target(), r.ratio(), r.verdict())));
        notes.forEach(n -> out.append("  ").append(n).append(System.lineSeparator()));
        if (stack.workDir() != null) {
            out.append("  service logs: ")
                    .append(stack.workDir().resolve("logs"))
                    .append(System.lineSeparator());
        }
        System.out.print(out);
        System.out.flush();
    }

    /** Adds a row to the report and prints it at once (a run cut short still shows what it measured). */
    private void add(Row r) {
        rows.add(r);
        say(String.format("=> %s: %s (target %s) %s", r.metric(), r.measured(), r.target(), r.verdict()));
    }

    private void note(String line) {
        notes.add(line);
        say("=> " + line);
    }

    private int width(java.util.function.Function<Row, String> column, int min) {
        return Math.max(
                min, rows.stream().mapToInt(r -> column.apply(r).length()).max().orElse(min));
    }

    private void say(String line) {
        System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, line);
    }
}
