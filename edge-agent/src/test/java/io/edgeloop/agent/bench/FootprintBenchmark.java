package io.edgeloop.agent.bench;

import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.bench.FootprintTable.Figures;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelStore;
import io.edgeloop.common.Hashing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The agent's footprint under two sets of JVM options, {@code bench.before-opts} (the launcher's options before issue
 * 15) and {@code bench.after-opts} (the recommended ones, {@code src/main/dist/agent-jvm.options}): per set, one start with an
 * empty model dir (start-up time: the agent's own "started in" and the wall time until {@code /q/health/live}
 * answers; idle RSS, threads, loaded classes, optionally native memory tracking) and one start serving a linear
 * model of {@code bench.features} inputs (6400: ~100 KB) under load from {@code bench.threads} clients over KServe v2
 * REST for {@code bench.load-seconds} (idle RSS with the model, peak RSS under load sampled every 100 ms, p50/p99
 * latency). Then the floor: {@link MinimalOrt} (ONNX Runtime alone running the same model) with the after options.
 * Sync and telemetry sending are off; the agent runs the packaged {@code target/quarkus-app/quarkus-run.jar}.
 *
 * <p>Run: {@code edge-agent/bench/footprint.sh} (options as {@code -Dbench.*}: {@code load-seconds} 10,
 * {@code threads} 2, {@code features} 6400, {@code nmt} false, {@code starts} 1 (idle starts per agent, alternating
 * between the two; the row shows each figure's median), {@code before-opts}, {@code after-opts},
 * {@code before-jar}: the {@code quarkus-run.jar} of a copy of an earlier build to run with the before options,
 * default this build).
 */
public final class FootprintBenchmark {
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

    private FootprintBenchmark() {}

    public static void main(String[] args) throws Exception {
        int features = Integer.getInteger("bench.features", 6400);
        int loadSeconds = Integer.getInteger("bench.load-seconds", 10);
        int threads = Integer.getInteger("bench.threads", 2);
        boolean nmt = Boolean.getBoolean("bench.nmt");
        Path agentDir = Files.isDirectory(Path.of("target/quarkus-app")) ? Path.of(".") : Path.of("edge-agent");
        Path jar = agentDir.resolve("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        String before =
                System.getProperty("bench.before-opts", "-Xmx192m -XX:+UseSerialGC -XX:MaxMetaspaceSize=256m -Xss1m");
        String after = System.getProperty(
                "bench.after-opts", readOptions(agentDir.resolve("src/main/dist/agent-jvm.options")));

        Path work = Files.createTempDirectory("agent-footprint");
        byte[] model = TestModels.linear(features, new float[] {0.1f, -0.2f, 0.3f, 0f}, 0.05f, 7, null);
        String sha = Hashing.sha256Hex(model);
        ModelStore store = new ModelStore(work.resolve("served/models"));
        Files.write(store.modelFile(sha, "onnx"), model);
        store.writeActive(new ModelDescriptor(
                "bench", "vibration", 1, "vibration-v1-fp32", sha, "onnx", List.of(), features, Instant.now()));
        // the serving API needs no token, but the agent refuses to start without a verification key
        Path key = io.edgeloop.testsupport.auth.TestAuth.verificationKeys();
        System.out.printf(
                Locale.ROOT,
                "model: linear+softmax, %d features, %d bytes; load: %d client threads over KServe v2 REST for %d s%n",
                features,
                model.length,
                threads,
                loadSeconds);

        // the agent as it was before (a copy of its quarkus-app dir), else this build with the before options
        Path beforeJar =
                Path.of(System.getProperty("bench.before-jar", jar.toString())).toAbsolutePath();
        List<Agent> agents = new ArrayList<>();
        for (String[] set : new String[][] {{"before", before}, {"after", after}}) {
            List<String> opts = split(set[1]);
            boolean isAfter = set[0].equals("after");
            Path app = isAfter ? jar : beforeJar;
            // MALLOC_ARENA_MAX=2 for "after", and for "before" too with bench.before-lean (comparing two builds)
            boolean lean = isAfter || Boolean.getBoolean("bench.before-lean");
            System.out.println(set[0] + " agent: " + app);
            if (nmt) {
                opts.add("-XX:NativeMemoryTracking=summary");
            }
            System.out.println(set[0] + " options: " + set[1]);
            agents.add(new Agent(set[0], app, opts, lean));
        }
        // idle starts alternate between the two agents, so that both see the same machine load
        int starts = Integer.getInteger("bench.starts", 1);
        List<List<Figures>> idle = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < starts; i++) {
            for (int a = 0; a < agents.size(); a++) {
                Agent agent = agents.get(a);
                Path dir = work.resolve(agent.label() + "-idle" + (i == 0 ? "" : "-" + i));
                idle.get(a).add(idle(agent.label(), agent.jar(), agent.opts(), agent.lean(), dir, key, nmt && i == 0));
            }
        }
        List<Figures> rows = new ArrayList<>();
        for (int a = 0; a < agents.size(); a++) {
            Agent agent = agents.get(a);
            rows.add(FootprintTable.median(idle.get(a)));
            rows.add(serving(
                    agent.label(), agent.jar(), agent.opts(), agent.lean(), work, key, features, threads, loadSeconds));
        }
        rows.add(minimal(agentDir, split(after), store.modelFile(sha, "onnx"), features, loadSeconds));
        FootprintTable.print(rows);
        System.out.println("logs and native memory summaries under " + work);
    }

    /** One agent to measure: its label, {@code quarkus-run.jar}, JVM options and whether MALLOC_ARENA_MAX=2 is set. */
    private record Agent(String label, Path jar, List<String> opts, boolean lean) {}

    /** A start with no model: start-up time, idle RSS, threads and classes (and NMT when asked). */
    private static Figures idle(
            String label, Path jar, List<String> opts, boolean lean, Path dir, Path key, boolean nmt) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        int http = freePort();
        long t0 = System.nanoTime();
        Process p = start(jar, opts, lean, dir, key, http);
        try {
            awaitStatus(p, http, "/q/health/live");
            double live = (System.nanoTime() - t0) / 1e9;
            double startedIn = startedIn(dir.resolve("agent.log"));
            Thread.sleep(5000); // let the start settle (deferred work, first telemetry window) before reading RSS
            if (nmt) {
                Files.writeString(dir.resolve("nmt.txt"), jcmd(p.pid(), "VM.native_memory", "summary"));
                Files.writeString(dir.resolve("histogram.txt"), jcmd(p.pid(), "GC.class_histogram"));
            }
            return new Figures(
                    label + " idle, no model",
                    startedIn,
                    live,
                    status(p.pid(), "VmRSS"),
                    -1,
                    (int) status(p.pid(), "Threads"),
                    loadedClasses(p.pid()),
                    -1,
                    -1,
                    -1);
        } finally {
            stop(p);
        }
    }

    /** A start serving the model: idle RSS with it, then peak RSS and latency under load. */
    private static Figures serving(
            String label,
            Path jar,
            List<String> opts,
            boolean lean,
            Path work,
            Path key,
            int features,
            int threads,
            int seconds)
            throws Exception {
        Path dir = work.resolve(label + "-serving");
        Files.createDirectories(dir);
        copyTree(work.resolve("served/models"), dir.resolve("models"));
        int http = freePort();
        Process p = start(jar, opts, lean, dir, key, http);
        try {
            awaitStatus(p, http, "/q/health/ready");
            Thread.sleep(3000);
            long idleRss = status(p.pid(), "VmRSS");
            String body = v2Json(features);
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> load(http, body, done)));
            }
            long peak = idleRss;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                peak = Math.max(peak, status(p.pid(), "VmRSS"));
                Thread.sleep(100);
            }
            done.set(true);
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get());
            }
            pool.shutdown();
            long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Figures(
                    label + " serving ~100 KB model",
                    -1,
                    -1,
                    idleRss,
                    peak,
                    (int) status(p.pid(), "Threads"),
                    loadedClasses(p.pid()),
                    pct(lat, 0.5) / 1000,
                    pct(lat, 0.99) / 1000,
                    lat.length / (double) seconds);
        } finally {
            stop(p);
        }
    }

    /** ONNX Runtime alone, same model, same JVM options: the floor. */
    private static Figures minimal(Path agentDir, List<String> opts, Path model, int features, int seconds)
            throws Exception {
        Path ort;
        try (Stream<Path> s = Files.list(agentDir.resolve("target/quarkus-app/lib/main"))) {
            ort = s.filter(f -> f.getFileName().toString().startsWith("com.microsoft.onnxruntime"))
                    .findFirst()
                    .orElseThrow();
        }
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(opts.stream()
                .filter(o -> !o.startsWith("-XX:SharedArchiveFile"))
                .toList());
        cmd.addAll(List.of(
                "-cp",
                agentDir.resolve("target/test-classes").toAbsolutePath() + java.io.File.pathSeparator + ort,
                MinimalOrt.class.getName(),
                model.toString(),
                Integer.toString(features),
                Long.toString(seconds * 1000L)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("ready")) {
                throw new IllegalStateException("MinimalOrt: " + line);
            }
            long rss = status(p.pid(), "VmRSS");
            return new Figures(
                    "ONNX Runtime alone (same model)",
                    -1,
                    -1,
                    rss,
                    -1,
                    (int) status(p.pid(), "Threads"),
                    loadedClasses(p.pid()),
                    -1,
                    -1,
                    -1);
        } finally {
            p.getOutputStream().close();
            stop(p);
        }
    }

    private static long[] load(int http, String body, AtomicBoolean done) throws IOException {
        long[] lat = new long[1 << 16];
        int n = 0;
        try (RawHttpClient c = new RawHttpClient("127.0.0.1", http)) {
            while (!done.get()) {
                long t0 = System.nanoTime();
                int status = c.post("/v2/models/vibration/infer", body);
                if (status != 200) {
                    throw new IllegalStateException("infer answered " + status);
                }
                if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                }
                lat[n++] = System.nanoTime() - t0;
            }
        }
        return Arrays.copyOf(lat, n);
    }

    /** Starts the agent; {@code lean}: with the recommended environment too (MALLOC_ARENA_MAX=2). */
    private static Process start(Path jar, List<String> opts, boolean lean, Path dir, Path key, int http)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(opts);
        cmd.addAll(List.of(
                "-Djava.io.tmpdir=" + dir,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + http,
                "-Dquarkus.grpc.server.host=127.0.0.1",
                "-Dquarkus.grpc.server.port=" + freePort(),
                "-Dedgeloop.agent.model-dir=" + dir.resolve("models"),
                "-Dedgeloop.agent.require-signature=false",
                "-Dedgeloop.agent.sync.enabled=false",
                "-Dedgeloop.agent.telemetry.enabled=false",
                "-Dedgeloop.auth.public-key=" + key,
                "-Dquarkus.log.category.\"io.quarkus.config\".level=ERROR",
                "-jar",
                jar.toString()));
        // run in the app dir: the class data sharing archive (app-cds.jsa) names the class path relative to it
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(jar.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile());
        if (lean) {
            pb.environment().put("MALLOC_ARENA_MAX", "2");
        }
        return pb.start();
    }

    private static void awaitStatus(Process p, int http, String path) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
                .build();
        try {
            Awaitility.await("the agent answers " + path)
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20))
                    .ignoreExceptionsInstanceOf(IOException.class) // starting
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("the agent exited with " + p.exitValue());
                        }
                        return client.send(request, HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the agent did not answer " + path, e);
        }
    }

    private static double startedIn(Path log) {
        AtomicReference<Double> seconds = new AtomicReference<>(-1.0);
        try {
            Awaitility.await("the start-up line in " + log)
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        Matcher m = STARTED.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                        if (m.find()) {
                            seconds.set(Double.parseDouble(m.group(1)));
                        }
                        return seconds.get() >= 0;
                    });
        } catch (ConditionTimeoutException e) {
            // no start-up line: reported as -1
        }
        return seconds.get();
    }

    /** A field of {@code /proc/<pid>/status} as a number (kB for memory). */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(
                        line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        return -1;
    }

    private static long loadedClasses(long pid) throws Exception {
        String counters = jcmd(pid, "PerfCounter.print");
        return counter(counters, "java.cls.loadedClasses") - counter(counters, "java.cls.unloadedClasses");
    }

    private static long counter(String counters, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "=(\\d+)").matcher(counters);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String jcmd(long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static String readOptions(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                b.append(l).append(' ');
            }
        }
        return b.toString()
                .replace(
                        "${AGENT_HOME}",
                        file.getParent().getParent().toAbsolutePath().toString());
    }

    private static List<String> split(String opts) {
        List<String> out = new ArrayList<>();
        for (String o : opts.strip().split("\\s+")) {
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }

    private static String v2Json(int features) {
        Random r = new Random(3);
        StringBuilder b = new StringBuilder("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,")
                .append(features)
                .append("],\"data\":[");
        for (int i = 0; i < features; i++) {
            b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.2f", r.nextGaussian()));
        }
        return b.append("]}]}").toString();
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
