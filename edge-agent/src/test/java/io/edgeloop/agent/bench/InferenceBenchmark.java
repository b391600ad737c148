package io.edgeloop.agent.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelStore;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Agent inference throughput and p50/p99 latency over REST ({@code POST /infer}), KServe v2 REST ({@code POST
 * /v2/models/vibration/infer}) and the KServe v2 gRPC API ({@code ModelInfer}, FP32 contents) against ONNX Runtime
 * called in-process on the same model (batch 1), with 1 and {@code bench.threads} client threads. REST calls use
 * {@link RawHttpClient} (one keep-alive connection per client thread) so that the client's own overhead stays out of
 * the figures. The agent
 * runs as its own process (the packaged {@code target/quarkus-app/quarkus-run.jar}, heap capped, sync and telemetry
 * sending off), started from a model directory prepared here, so the figures include HTTP/gRPC, JSON/protobuf and
 * the agent's validation and telemetry recording. The same run measures the transport floor ({@link FloorServers}: a
 * plain grpc-java server and a blocking HTTP/1.1 server running the same model in this JVM) and, with {@code
 * bench.inflight} calls in flight per client thread, the throughput of the async gRPC stub and of HTTP/1.1 pipelining
 * ({@link InFlight}). Bounded: a fixed number of requests per mode. Prints one table with the ratios to in-process and
 * the agent's CPU time per request.
 *
 * <p>Run: {@code ./mvnw -B -o -q package -DskipTests -pl edge-agent exec:java} (options: {@code
 * -Dbench.requests=5000 -Dbench.warmup=2000 -Dbench.threads=2 -Dbench.features=24 -Dbench.inflight=8
 * -Dbench.only=<part of a mode name> -Dbench.agent-opts=<extra agent JVM options>}).
 */
public final class InferenceBenchmark {
    private InferenceBenchmark() {}

    /** Figures of one mode. */
    record Result(
            String mode,
            int threads,
            int inflight,
            long requests,
            double seconds,
            long p50Ns,
            long p99Ns,
            double agentCpuUs) {
        double throughput() {
            return requests / seconds;
        }
    }

    /** One call of the mode under test. */
    @FunctionalInterface
    interface Call {
        void run(float[] x) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int requests = Integer.getInteger("bench.requests", 5000);
        int warmup = Integer.getInteger("bench.warmup", 2000);
        int threads = Integer.getInteger("bench.threads", 2);
        int features = Integer.getInteger("bench.features", 24);
        int depth = Integer.getInteger("bench.inflight", 8);
        Path jar = Path.of(System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            jar = Path.of("edge-agent").resolve(jar);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not found: build it with ./mvnw package -pl edge-agent");
        }
        byte[] model = TestModels.linear(features, new float[] {0.1f, -0.2f, 0.3f, 0f}, 0.5f, 7, null);
        Path work = modelDirectory(model, features);

        Random random = new Random(1);
        float[][] inputs = new float[256][features];
        for (float[] row : inputs) {
            for (int i = 0; i < features; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        System.out.printf(
                Locale.ROOT,
                "model: linear+softmax, %d features, 4 classes, %d bytes; %d requests per mode after %d warm-up, %d"
                        + " client threads for throughput (synchronous, then %d calls in flight per thread); %d"
                        + " CPUs, load average %s%n",
                features,
                model.length,
                requests,
                warmup,
                threads,
                depth,
                Runtime.getRuntime().availableProcessors(),
                loadAverage());
        Sizes n = new Sizes(warmup, requests, threads, depth);

        List<Result> results = new ArrayList<>(inProcess(model, inputs, n));
        int http = freePort();
        int grpc = freePort();
        Process agent = startAgent(jar, work, http, grpc);
        agentProcess = agent.toHandle();
        try (FloorServers floor = new FloorServers(model)) {
            int floorHttp = freePort();
            int floorGrpc = freePort();
            floor.http(floorHttp);
            floor.grpc(floorGrpc);
            awaitReady(agent, http);
            results.addAll(synchronous(inputs, n, http, grpc, floorHttp, floorGrpc));
            results.addAll(inFlight(inputs, n, http, grpc, floorHttp, floorGrpc));
        } finally {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
        print(results);
    }

    /** The agent's process, whose CPU time per request the table shows. */
    private static volatile ProcessHandle agentProcess;

    /** The agent's CPU time so far (all its threads), in microseconds; 0 before it runs. */
    static double agentCpuUs() {
        ProcessHandle p = agentProcess;
        return p == null
                ? 0
                : p.info().totalCpuDuration().map(d -> d.toNanos() / 1e3).orElse(0.0);
    }

    /** Agent CPU microseconds per request since {@code fromUs} for an agent mode, NaN for the others. */
    static double agentCpuPerRequest(String mode, double fromUs, long requests) {
        return mode.startsWith("agent") ? (agentCpuUs() - fromUs) / requests : Double.NaN;
    }

    /** A work directory whose {@code models} store serves {@code model} as {@code vibration} version 1. */
    private static Path modelDirectory(byte[] model, int features) throws IOException {
        Path work = Files.createTempDirectory("agent-bench");
        String sha = Hashing.sha256Hex(model);
        ModelStore store = new ModelStore(work.resolve("models"));
        Files.write(store.modelFile(sha, "onnx"), model);
        store.writeActive(new ModelDescriptor(
                "bench", "vibration", 1, "vibration-v1-fp32", sha, "onnx", List.of(), features, Instant.now()));
        return work;
    }

    /** Warm-up and measured requests per mode, client threads and calls in flight per thread. */
    record Sizes(int warmup, int requests, int threads, int depth) {}

    private static List<Result> inProcess(byte[] model, float[][] inputs, Sizes n) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options)) {
                Call ort = x -> {
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, x.length});
                            OrtSession.Result r = session.run(Map.of("input", t))) {
                        if (((float[][]) r.get(0).getValue())[0].length != 4) {
                            throw new IllegalStateException("unexpected output");
                        }
                    }
                };
                return measure("onnxruntime in-process", ort, inputs, n);
            }
        }
    }

    /** Every HTTP and gRPC mode with synchronous callers (one call at a time per client thread). */
    private static List<Result> synchronous(float[][] inputs, Sizes n, int http, int grpc, int floorHttp, int floorGrpc)
            throws Exception {
        List<Result> results = new ArrayList<>();
        // one keep-alive connection per client thread and server, raw HTTP/1.1 (see RawHttpClient)
        List<RawHttpClient> connections = new CopyOnWriteArrayList<>();
        Map<Integer, ThreadLocal<RawHttpClient>> byPort = new java.util.HashMap<>();
        for (int port : new int[] {http, floorHttp}) {
            byPort.put(port, ThreadLocal.withInitial(() -> {
                try {
                    RawHttpClient c = new RawHttpClient("127.0.0.1", port);
                    connections.add(c);
                    return c;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        try {
            results.addAll(
                    measure("floor HTTP (blocking)", post(byPort.get(floorHttp), KSERVE, Payloads::v2Json), inputs, n));
            results.addAll(measure("agent REST /infer", post(byPort.get(http), "/infer", Payloads::json), inputs, n));
            results.addAll(
                    measure("agent KServe v2 REST", post(byPort.get(http), KSERVE, Payloads::v2Json), inputs, n));
        } finally {
            for (RawHttpClient c : connections) {
                c.close();
            }
        }
        for (int port : new int[] {floorGrpc, grpc}) {
            ManagedChannel channel = channel(port);
            try {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
                Call call = x -> Payloads.check(
                        stub.withDeadlineAfter(5, TimeUnit.SECONDS).modelInfer(Payloads.modelInfer(x)));
                results.addAll(
                        measure(port == grpc ? "agent gRPC ModelInfer" : "floor gRPC (grpc-java)", call, inputs, n));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        return results;
    }

    /** Throughput with {@code depth} calls in flight per client thread: HTTP/1.1 pipelining, gRPC async stub. */
    private static List<Result> inFlight(float[][] inputs, Sizes n, int http, int grpc, int floorHttp, int floorGrpc)
            throws Exception {
        List<Result> results = new ArrayList<>();
        if (n.depth() <= 1) {
            return results;
        }
        for (int port : new int[] {floorHttp, http}) {
            String mode = port == http ? "agent KServe v2 REST" : "floor HTTP (blocking)";
            if (selected(mode)) {
                // one pipelined keep-alive connection per client thread
                results.add(InFlight.measure(mode, () -> InFlight.http(port, KSERVE, Payloads::v2Json), inputs, n));
            }
        }
        for (int port : new int[] {floorGrpc, grpc}) {
            String mode = port == grpc ? "agent gRPC ModelInfer" : "floor gRPC (grpc-java)";
            if (!selected(mode)) {
                continue;
            }
            // one channel (one HTTP/2 connection) shared by the client threads, as with the synchronous callers
            ManagedChannel channel = channel(port);
            try {
                results.add(InFlight.measure(mode, () -> InFlight.grpc(channel), inputs, n));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        return results;
    }

    /** Whether {@code mode} is measured ({@code -Dbench.only=<part of the mode names>}, e.g. {@code gRPC}). */
    static boolean selected(String mode) {
        return mode.startsWith("onnxruntime") || mode.contains(System.getProperty("bench.only", ""));
    }

    private static final String KSERVE = "/v2/models/vibration/infer";

    private static Call post(ThreadLocal<RawHttpClient> connection, String path, Function<float[], String> body) {
        return x -> {
            int status = connection.get().post(path, body.apply(x));
            if (status != 200) {
                throw new IllegalStateException(path + " " + status);
            }
        };
    }

    /** A plaintext channel whose responses complete on its transport thread (no executor hop per call). */
    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .directExecutor()
                .build();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Process startAgent(Path jar, Path work, int http, int grpc) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        // e.g. -Dbench.agent-opts=-agentpath:/path/libasyncProfiler.so=start,event=itimer,file=agent.html
        String extra = System.getProperty("bench.agent-opts", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of(
                "-Xmx192m",
                "-XX:+UseSerialGC",
                "-XX:MaxMetaspaceSize=256m",
                "-Djava.io.tmpdir=" + work,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + http,
                "-Dquarkus.grpc.server.host=127.0.0.1",
                "-Dquarkus.grpc.server.port=" + grpc,
                "-Dquarkus.log.level=WARN",
                "-Dedgeloop.agent.model-dir=" + work.resolve("models"),
                "-Dedgeloop.agent.require-signature=false",
                "-Dedgeloop.agent.sync.enabled=false",
                "-Dedgeloop.agent.telemetry.enabled=false",
                "-Dedgeloop.agent.simulator.enabled=false",
                // the serving API needs no token, but the agent refuses to start without a verification key
                "-Dedgeloop.auth.public-key=" + io.edgeloop.testsupport.auth.TestAuth.verificationKeys(),
                "-jar",
                jar.toAbsolutePath().toString()));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("agent.log").toFile())
                .start();
    }

    private static void awaitReady(Process agent, int http) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("the agent exited with " + agent.exitValue());
            }
            try {
                var r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the agent did not become ready");
    }

    /** Sequential latency run (1 thread) and a throughput run with {@code threads} client threads. */
    private static List<Result> measure(String mode, Call call, float[][] inputs, Sizes n) throws Exception {
        if (!selected(mode)) {
            return List.of();
        }
        int warmup = n.warmup();
        int requests = n.requests();
        int threads = n.threads();
        for (int i = 0; i < warmup; i++) {
            call.run(inputs[i % inputs.length]);
        }
        long[] latencies = new long[requests];
        double cpu = agentCpuUs();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            call.run(inputs[i % inputs.length]);
            latencies[i] = System.nanoTime() - t0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        Result sequential = new Result(
                mode,
                1,
                1,
                requests,
                seconds,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                agentCpuPerRequest(mode, cpu, requests));
        return List.of(sequential, concurrent(mode, call, inputs, requests, threads));
    }

    /** {@code requests} synchronous calls spread over {@code threads} client threads. */
    private static Result concurrent(String mode, Call call, float[][] inputs, int requests, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int each = requests / threads;
            long[][] perThread = new long[threads][each];
            List<Future<?>> futures = new ArrayList<>();
            double concurrentCpu = agentCpuUs();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        long s = System.nanoTime();
                        call.run(inputs[(id * 31 + i) % inputs.length]);
                        perThread[id][i] = System.nanoTime() - s;
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double concurrentSeconds = (System.nanoTime() - t0) / 1e9;
            long[] all = Arrays.stream(perThread)
                    .flatMapToLong(Arrays::stream)
                    .sorted()
                    .toArray();
            return new Result(
                    mode,
                    threads,
                    1,
                    all.length,
                    concurrentSeconds,
                    percentile(all, 0.50),
                    percentile(all, 0.99),
                    agentCpuPerRequest(mode, concurrentCpu, all.length));
        } finally {
            pool.shutdownNow();
        }
    }

    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * One table, each row against ONNX Runtime in-process with the same number of client threads: throughput ratio,
     * and for synchronous callers the p50 added (calls in flight queue behind each other: no p50 added).
     */
    private static void print(List<Result> results) {
        System.out.printf(
                Locale.ROOT,
                "%-26s %7s %9s %8s %10s %9s %9s %9s %9s %9s%n",
                "mode",
                "threads",
                "in flight",
                "requests",
                "req/s",
                "x in-proc",
                "p50 us",
                "p50 added",
                "p99 us",
                "agent CPU");
        Result ortSequential = results.get(0);
        Result ortConcurrent = results.get(1);
        for (Result r : results) {
            Result ort = r.threads() == 1 ? ortSequential : ortConcurrent;
            String added = r == ort || r.inflight() > 1
                    ? "-"
                    : String.format(Locale.ROOT, "%.1f", (r.p50Ns() - ort.p50Ns()) / 1e3);
            System.out.printf(
                    Locale.ROOT,
                    "%-26s %7d %9d %8d %10.0f %8.3fx %9.1f %9s %9.1f %9s%n",
                    r.mode(),
                    r.threads(),
                    r.inflight(),
                    r.requests(),
                    r.throughput(),
                    r.throughput() / ort.throughput(),
                    r.p50Ns() / 1e3,
                    added,
                    r.p99Ns() / 1e3,
                    Double.isNaN(r.agentCpuUs()) ? "-" : String.format(Locale.ROOT, "%.0f us", r.agentCpuUs()));
        }
    }
}
