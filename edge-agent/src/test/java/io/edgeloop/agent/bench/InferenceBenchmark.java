package io.edgeloop.agent.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelStore;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.edgeloop.proto.inference.InferTensorContents;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Agent inference throughput and p50/p99 latency over REST ({@code POST /infer}), KServe v2 REST ({@code POST
 * /v2/models/vibration/infer}) and the KServe v2 gRPC API ({@code ModelInfer}, FP32 contents) against ONNX Runtime
 * called in-process on the same model (batch 1), with 1 and {@code bench.threads} client threads. REST calls use
 * {@link RawHttpClient} (one keep-alive connection per client thread) so that the client's own overhead stays out of
 * the figures. The agent
 * runs as its own process (the packaged {@code target/quarkus-app/quarkus-run.jar}, heap capped, sync and telemetry
 * sending off), started from a model directory prepared here, so the figures include HTTP/gRPC, JSON/protobuf and
 * the agent's validation and telemetry recording. Bounded: a fixed number of requests per mode. Prints one table and
 * the ratios measured in this run.
 *
 * <p>Run: {@code ./mvnw -B -o -q package -DskipTests -pl edge-agent exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.edgeloop.agent.bench.InferenceBenchmark} (options: {@code -Dbench.requests=5000
 * -Dbench.warmup=2000 -Dbench.threads=2 -Dbench.features=24 -Dbench.agent-opts=<extra agent JVM options>}).
 */
public final class InferenceBenchmark {
    private InferenceBenchmark() {}

    /** Figures of one mode. */
    record Result(String mode, int threads, long requests, double seconds, long p50Ns, long p99Ns) {
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
        Path jar = Path.of(System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            jar = Path.of("edge-agent").resolve(jar);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not found: build it with ./mvnw package -pl edge-agent");
        }
        byte[] model = TestModels.linear(features, new float[] {0.1f, -0.2f, 0.3f, 0f}, 0.5f, 7, null);
        Path work = Files.createTempDirectory("agent-bench");
        String sha = Hashing.sha256Hex(model);
        ModelStore store = new ModelStore(work.resolve("models"));
        Files.write(store.modelFile(sha, "onnx"), model);
        store.writeActive(new ModelDescriptor(
                "bench", "vibration", 1, "vibration-v1-fp32", sha, "onnx", List.of(), features, Instant.now()));

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
                        + " client threads for throughput%n",
                features,
                model.length,
                requests,
                warmup,
                threads);

        List<Result> results = new ArrayList<>();
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
                results.addAll(measure("onnxruntime in-process", ort, inputs, warmup, requests, threads));
            }
        }

        int http = freePort();
        int grpc = freePort();
        Process agent = startAgent(jar, work, http, grpc);
        try {
            awaitReady(agent, http);
            // one keep-alive connection per client thread, raw HTTP/1.1 (see RawHttpClient)
            List<RawHttpClient> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
            ThreadLocal<RawHttpClient> connection = ThreadLocal.withInitial(() -> {
                try {
                    RawHttpClient c = new RawHttpClient("127.0.0.1", http);
                    connections.add(c);
                    return c;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Call rest = x -> {
                int status = connection.get().post("/infer", json(x));
                if (status != 200) {
                    throw new IllegalStateException("REST " + status);
                }
            };
            results.addAll(measure("agent REST /infer", rest, inputs, warmup, requests, threads));
            Call kserveRest = x -> {
                int status = connection.get().post("/v2/models/vibration/infer", v2Json(x));
                if (status != 200) {
                    throw new IllegalStateException("KServe REST " + status);
                }
            };
            results.addAll(measure("agent KServe v2 REST", kserveRest, inputs, warmup, requests, threads));
            for (RawHttpClient c : connections) {
                c.close();
            }

            // responses complete on the transport thread: no executor hop per call on the client side
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpc)
                    .usePlaintext()
                    .directExecutor()
                    .build();
            try {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
                Call kserve = x -> {
                    InferTensorContents.Builder c = InferTensorContents.newBuilder();
                    for (float v : x) {
                        c.addFp32Contents(v);
                    }
                    var response = stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                            .modelInfer(ModelInferRequest.newBuilder()
                                    .setModelName("vibration")
                                    .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                            .setName("input")
                                            .setDatatype("FP32")
                                            .addShape(1)
                                            .addShape(x.length)
                                            .setContents(c))
                                    .build());
                    if (response.getOutputs(0).getContents().getFp32ContentsCount() != 4) {
                        throw new IllegalStateException("unexpected output");
                    }
                };
                results.addAll(measure("agent gRPC ModelInfer", kserve, inputs, warmup, requests, threads));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
        print(results);
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
    private static List<Result> measure(String mode, Call call, float[][] inputs, int warmup, int requests, int threads)
            throws Exception {
        for (int i = 0; i < warmup; i++) {
            call.run(inputs[i % inputs.length]);
        }
        long[] latencies = new long[requests];
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            call.run(inputs[i % inputs.length]);
            latencies[i] = System.nanoTime() - t0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        Result sequential =
                new Result(mode, 1, requests, seconds, percentile(latencies, 0.50), percentile(latencies, 0.99));

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int each = requests / threads;
            long[][] perThread = new long[threads][each];
            List<Future<?>> futures = new ArrayList<>();
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
            Result concurrent = new Result(
                    mode, threads, all.length, concurrentSeconds, percentile(all, 0.50), percentile(all, 0.99));
            return List.of(sequential, concurrent);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static String json(float[] x) {
        StringBuilder b = new StringBuilder("{\"features\":[");
        for (int i = 0; i < x.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(x[i]);
        }
        return b.append("]}").toString();
    }

    private static String v2Json(float[] x) {
        StringBuilder b = new StringBuilder("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,")
                .append(x.length)
                .append("],\"data\":[");
        for (int i = 0; i < x.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(x[i]);
        }
        return b.append("]}]}").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void print(List<Result> results) {
        System.out.printf(
                Locale.ROOT,
                "%-26s %7s %10s %12s %10s %10s%n",
                "mode",
                "threads",
                "requests",
                "req/s",
                "p50 us",
                "p99 us");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "%-26s %7d %10d %12.0f %10.1f %10.1f%n",
                    r.mode(),
                    r.threads(),
                    r.requests(),
                    r.throughput(),
                    r.p50Ns() / 1e3,
                    r.p99Ns() / 1e3);
        }
        Result ort = results.get(0);
        Result ortConcurrent = results.get(1);
        System.out.println("ratios vs ONNX Runtime in-process (same run):");
        for (int i = 2; i < results.size(); i += 2) {
            Result seq = results.get(i);
            Result conc = results.get(i + 1);
            System.out.printf(
                    Locale.ROOT,
                    "  %-24s throughput 1 thread %.3fx, %d threads %.3fx; p99 latency %.1fx; p50 added %.0f us%n",
                    seq.mode(),
                    seq.throughput() / ort.throughput(),
                    conc.threads(),
                    conc.throughput() / ortConcurrent.throughput(),
                    (double) seq.p99Ns() / ort.p99Ns(),
                    (seq.p50Ns() - ort.p50Ns()) / 1e3);
        }
    }
}
