package io.edgeloop.compiler.domain;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Measures the resident memory one ONNX Runtime session costs, in a dedicated short-lived JVM per model ({@code java
 * -Xmx<heap> -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp <onnxruntime jar>:<this application's classes>
 * SessionMemoryProbeMain ...}; see {@link SessionMemoryProbeMain}): the child's RSS high-water mark while the session
 * is created and run on a batch and a single sample, minus its RSS before the session. Unlike a measurement in the
 * service's own process, nothing else (the JVM's other work, other models) is counted, and a model that crashes ONNX
 * Runtime (a hostile upload) takes only the child down.
 *
 * <p>The java launcher is this JVM's ({@code ProcessHandle} command, else {@code java.home}); the class path comes from
 * the code sources of ONNX Runtime's and the probe main's classes (directories under {@code mvn}/{@code @QuarkusTest},
 * jars in the packaged fast-jar). ONNX Runtime's native libraries are extracted once into the compiler's work folder
 * ({@code onnxruntime-native-<version>-<platform>}) and passed as {@code -Donnxruntime.native.path}, which spares
 * every child the extraction. Each child runs in its own scratch folder (working directory, {@code java.io.tmpdir},
 * JVM error file) that is deleted afterwards; children still running when the probe is closed are killed. Not
 * available in a native image (there is no JVM to start): {@link #create} says why.
 */
public final class SessionMemoryProbe implements AutoCloseable {
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    private final Path launcher;
    private final String classPath;
    private final String mainClass;
    private final Path nativeDir;
    private final Path scratchRoot;
    private final String heap;
    private final Duration timeout;
    private final int parallelism;
    private final String ortVersion;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * One session to measure, created and run as {@link ModelEvaluator} does.
     *
     * @param model the model file ({@code .ort} files are loaded as ORT format)
     * @param inputShape the model's single float input ({@code -1} for dynamic dims, the batch first); null when it
     *     is not known: the session is only created, not run
     * @param level graph optimization level of the session
     * @param intraOpThreads intra-op threads of the session
     * @param batch samples in the batch run (1 when the input's batch dimension is fixed to 1)
     * @param inputs every input of the model and how to fill it (random values for the feature input); when not
     *     empty it replaces {@code inputShape}
     */
    public record Request(
            Path model, long[] inputShape, OptLevel level, int intraOpThreads, int batch, List<InputFeed> inputs) {
        public Request {
            inputs = inputs == null ? List.of() : List.copyOf(inputs);
        }

        /** A request for a model with a single float input of {@code inputShape}. */
        public Request(Path model, long[] inputShape, OptLevel level, int intraOpThreads, int batch) {
            this(model, inputShape, level, intraOpThreads, batch, List.of());
        }
    }

    /**
     * What one session cost.
     *
     * @param peakBytes the child's RSS high-water mark while creating and running the session, minus its RSS before
     * @param loadBytes the child's RSS after creating the session, minus its RSS before (the load cost)
     * @param hwmReset whether the high-water mark could be reset; when not, peak is the largest sampled RSS
     * @param ortVersion the ONNX Runtime version the child ran
     */
    public record Measurement(long peakBytes, long loadBytes, boolean hwmReset, String ortVersion) {}

    /**
     * The result of one request: a measurement, or the failure.
     *
     * @param measurement the figures; null when it failed
     * @param failure {@link ModelFailure} (the model crashed, hung or was refused by ONNX Runtime) or
     *     {@link ProbeError} (the probe itself failed); null when measured
     */
    public record Outcome(Measurement measurement, RuntimeException failure) {}

    /** The model crashed ONNX Runtime, did not finish within the timeout, or ONNX Runtime refused to load or run it. */
    public static final class ModelFailure extends InvalidModelException {
        private final boolean crashed;

        ModelFailure(String message, boolean crashed) {
            super(message);
            this.crashed = crashed;
        }

        /** True when the child process crashed or was killed (not a clean ONNX Runtime error, not a timeout). */
        public boolean crashed() {
            return crashed;
        }
    }

    /** The probe could not measure for a reason of its own (the child JVM did not start or printed no figures). */
    public static final class ProbeError extends RuntimeException {
        ProbeError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The isolated probe cannot run in this process (native image, no java launcher, class files not found). */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private SessionMemoryProbe(
            Path launcher,
            String classPath,
            String mainClass,
            Path nativeDir,
            Path scratchRoot,
            String heap,
            Duration timeout,
            int parallelism,
            String ortVersion) {
        this.launcher = launcher;
        this.classPath = classPath;
        this.mainClass = mainClass;
        this.nativeDir = nativeDir;
        this.scratchRoot = scratchRoot;
        this.heap = heap;
        this.timeout = timeout;
        this.parallelism = parallelism;
        this.ortVersion = ortVersion;
    }

    /**
     * A probe launching {@link SessionMemoryProbeMain}; checks once that a child starts and loads ONNX Runtime.
     *
     * @param workDir folder for the extracted native libraries and the children's scratch folders
     * @param heap the child's {@code -Xmx}, e.g. {@code 64m}
     * @param timeout how long one child may run before it is killed and the model fails
     * @param parallelism children run at the same time by {@link #measureAll}
     * @throws UnavailableException when no child JVM can be started here (the reason says why)
     */
    public static SessionMemoryProbe create(Path workDir, String heap, Duration timeout, int parallelism)
            throws UnavailableException {
        return create(workDir, heap, timeout, parallelism, SessionMemoryProbeMain.class);
    }

    /** {@link #create(Path, String, Duration, int)} with another child main class (tests: hostile children). */
    static SessionMemoryProbe create(Path workDir, String heap, Duration timeout, int parallelism, Class<?> main)
            throws UnavailableException {
        if (!HEAP.matcher(heap).matches()) {
            throw new IllegalArgumentException("memory probe heap must look like 64m, not '" + heap + "'");
        }
        if (timeout.isNegative() || timeout.isZero() || parallelism < 1) {
            throw new IllegalArgumentException("memory probe timeout must be positive and parallelism >= 1");
        }
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
            throw new UnavailableException("running as a native image: there is no JVM to start a child with", null);
        }
        Path launcher = javaLauncher()
                .orElseThrow(() -> new UnavailableException(
                        "no java launcher found (process command "
                                + ProcessHandle.current().info().command() + ", java.home "
                                + System.getProperty("java.home") + ")",
                        null));
        Set<String> entries = new LinkedHashSet<>();
        entries.add(codeSource(OrtEnvironment.class).toString());
        entries.add(codeSource(SessionMemoryProbeMain.class).toString());
        entries.add(codeSource(main).toString());
        String ortVersion = OrtEnvironment.getEnvironment().getVersion();
        Path nativeDir;
        Path scratchRoot;
        try {
            Files.createDirectories(workDir);
            nativeDir = extractNativeLibraries(workDir, ortVersion);
            scratchRoot = workDir;
        } catch (IOException e) {
            throw new UnavailableException("cannot prepare " + workDir + ": " + e, e);
        }
        SessionMemoryProbe probe = new SessionMemoryProbe(
                launcher,
                String.join(File.pathSeparator, entries),
                main.getName(),
                nativeDir,
                scratchRoot,
                heap,
                timeout,
                parallelism,
                ortVersion);
        probe.selfCheck();
        return probe;
    }

    /** The ONNX Runtime version of the children. */
    public String ortVersion() {
        return ortVersion;
    }

    /** How many children {@link #measureAll} runs at the same time. */
    public int parallelism() {
        return parallelism;
    }

    /** How children are started: launcher, heap, class path and native library folder (for the log). */
    public String describe() {
        return launcher + " -Xmx" + heap + " -cp " + classPath + " " + mainClass
                + (nativeDir == null ? "" : " (native libraries in " + nativeDir + ")") + ", timeout "
                + timeout.toMillis() + " ms, " + parallelism + " at a time";
    }

    /** The child's command line up to the main class. */
    List<String> jvmCommand(long directMemoryBytes, Path scratch) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:MaxDirectMemorySize=" + directMemoryBytes);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-UsePerfData"); // no hsperfdata file in /tmp
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-XX:ErrorFile=" + scratch.resolve("hs_err_pid%p.log"));
        cmd.add("-Djava.io.tmpdir=" + scratch);
        if (nativeDir != null) {
            cmd.add("-Donnxruntime.native.path=" + nativeDir);
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        return cmd;
    }

    /**
     * Measures one session.
     *
     * @throws ModelFailure when the model crashes ONNX Runtime, hangs past the timeout or is refused by it
     * @throws ProbeError when the probe itself fails
     */
    public Measurement measure(Request request) {
        if (closed) {
            throw new IllegalStateException("the memory probe is closed");
        }
        String name = request.model().getFileName().toString();
        List<String> args = new ArrayList<>();
        args.add("model=" + request.model().toAbsolutePath());
        args.add("opt-level=" + request.level().name());
        args.add("threads=" + request.intraOpThreads());
        args.add("ort-format=" + ModelEvaluator.isOrtFormat(request.model()));
        args.add("batch=" + Math.max(1, request.batch()));
        long inputBytes = 0;
        for (int i = 0; i < request.inputs().size(); i++) {
            InputFeed f = request.inputs().get(i);
            args.add("input." + i + "=" + f.name());
            args.add("input." + i + ".type=" + f.type().name());
            args.add("input." + i + ".shape="
                    + Arrays.stream(f.shape()).mapToObj(Long::toString).collect(Collectors.joining(",")));
            args.add("input." + i + ".fill=" + (f.feature() ? "features" : Double.toString(f.fill())));
            inputBytes += (Math.max(1, request.batch()) + 1L) * f.perSample() * Math.max(1, f.type().size);
        }
        if (request.inputs().isEmpty() && request.inputShape() != null) {
            args.add("shape="
                    + Arrays.stream(request.inputShape())
                            .mapToObj(Long::toString)
                            .collect(Collectors.joining(",")));
            long perSample = 1;
            for (int i = 1; i < request.inputShape().length; i++) {
                perSample *= Math.max(1, request.inputShape()[i]);
            }
            inputBytes = (Math.max(1, request.batch()) + 1L) * perSample * Float.BYTES;
        }
        ProbeChild c = run(args, inputBytes);
        if (c.timedOut()) {
            throw new ModelFailure(
                    "ONNX Runtime did not finish " + c.stage() + " " + name + " within " + timeout.toMillis()
                            + " ms (memory probe timeout)",
                    false);
        }
        if (c.crashed()) {
            throw new ModelFailure(
                    "ONNX Runtime crashed (exit " + c.exit() + ") " + c.stage() + " " + name + c.crashDetail(), true);
        }
        switch (c.exit()) {
            case 0 -> {
                return c.measurement()
                        .orElseThrow(() -> new ProbeError(
                                "the memory probe of " + name + " printed no figures: " + c.tail(c.stdout()), null));
            }
            case SessionMemoryProbeMain.EXIT_LOAD_FAILED ->
                throw new ModelFailure(name + " is not a model ONNX Runtime can load: " + c.ortMessage(), false);
            case SessionMemoryProbeMain.EXIT_RUN_FAILED ->
                throw new ModelFailure("ONNX Runtime failed to run " + name + ": " + c.ortMessage(), false);
            default ->
                throw new ProbeError(
                        "the memory probe of " + name + " failed (exit " + c.exit() + "): " + c.tail(c.stderr()), null);
        }
    }

    /**
     * Measures every request, {@link #parallelism()} children at a time (each child's RSS is its own, so the figures
     * do not disturb each other); the outcomes are in request order.
     */
    public List<Outcome> measureAll(List<Request> requests) {
        if (requests.size() <= 1 || parallelism == 1) {
            return requests.stream().map(this::outcome).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, requests.size()), r -> {
            Thread t = new Thread(r, "memory-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Request r : requests) {
                futures.add(pool.submit(() -> outcome(r)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeError("interrupted while measuring", e);
        } catch (ExecutionException e) {
            throw new ProbeError("memory probe failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private Outcome outcome(Request r) {
        try {
            return new Outcome(measure(r), null);
        } catch (ModelFailure | ProbeError e) {
            return new Outcome(null, e);
        }
    }

    /** Kills children still running; later calls fail. */
    @Override
    public void close() {
        closed = true;
        running.forEach(Process::destroyForcibly);
    }

    private void selfCheck() throws UnavailableException {
        ProbeChild c = run(List.of("check"), 0);
        if (c.exit() != 0 || c.timedOut() || !c.stdout().contains("\"ort_version\"")) {
            throw new UnavailableException(
                    "a probe JVM does not start (" + String.join(" ", jvmCommand(0, scratchRoot)) + "): exit "
                            + c.exit() + (c.timedOut() ? ", timed out" : "") + " " + c.tail(c.stderr() + c.stdout()),
                    null);
        }
    }

    private ProbeChild run(List<String> args, long inputBytes) {
        Path scratch = null;
        Process p = null;
        try {
            scratch = Files.createTempDirectory(scratchRoot, "memory-probe-");
            List<String> cmd = jvmCommand(Math.max(64L << 20, 2 * inputBytes + (16L << 20)), scratch);
            cmd.addAll(args);
            Path out = scratch.resolve("stdout.txt");
            Path err = scratch.resolve("stderr.txt");
            p = new ProcessBuilder(cmd)
                    .directory(scratch.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            running.add(p);
            p.getOutputStream().close();
            if (closed) {
                p.destroyForcibly();
            }
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (closed) {
                throw new ProbeError("the memory probe was closed (shutdown) while measuring", null);
            }
            return new ProbeChild(
                    finished ? p.exitValue() : -1,
                    !finished,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeError("interrupted while measuring", e);
        } catch (IOException e) {
            throw new ProbeError("cannot run the memory probe: " + e, e);
        } finally {
            if (p != null) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
                running.remove(p);
            }
            CompilationService.deleteTree(scratch);
        }
    }

    /** This JVM's java launcher: the running process's command when it is {@code java}, else under java.home. */
    static Optional<Path> javaLauncher() {
        Optional<Path> command = ProcessHandle.current()
                .info()
                .command()
                .map(Path::of)
                .filter(p -> {
                    String f = p.getFileName().toString();
                    return f.equals("java") || f.equals("java.exe");
                });
        if (command.isPresent() && Files.isExecutable(command.get())) {
            return command;
        }
        String home = System.getProperty("java.home");
        if (home == null || home.isBlank()) {
            return Optional.empty();
        }
        for (String f : List.of("java", "java.exe")) {
            Path p = Path.of(home, "bin", f);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The jar or class folder {@code type} was loaded from: its code source, else derived from the URL of its class
     * file ({@code jar:file:/x.jar!/...} or {@code file:/classes/...}).
     */
    static Path codeSource(Class<?> type) throws UnavailableException {
        try {
            CodeSource cs = type.getProtectionDomain() == null
                    ? null
                    : type.getProtectionDomain().getCodeSource();
            if (cs != null
                    && cs.getLocation() != null
                    && "file".equals(cs.getLocation().getProtocol())) {
                Path p = Path.of(cs.getLocation().toURI());
                if (Files.exists(p)) {
                    return p;
                }
            }
            String resource = type.getName().replace('.', '/') + ".class";
            URL url =
                    type.getClassLoader() == null ? null : type.getClassLoader().getResource(resource);
            if (url != null) {
                String s = url.toString();
                if (s.startsWith("jar:file:") && s.contains("!/")) {
                    Path p = Path.of(new java.net.URI(s.substring(4, s.indexOf("!/"))));
                    if (Files.isRegularFile(p)) {
                        return p;
                    }
                } else if (s.startsWith("file:") && s.endsWith(resource)) {
                    Path p = Path.of(new java.net.URI(s.substring(0, s.length() - resource.length())));
                    if (Files.isDirectory(p)) {
                        return p;
                    }
                }
            }
            throw new UnavailableException(
                    "cannot find the jar or folder of " + type.getName() + " (code source "
                            + (cs == null ? null : cs.getLocation()) + ", class file " + url + ")",
                    null);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UnavailableException("cannot locate " + type.getName() + ": " + e, e);
        }
    }

    /**
     * Extracts ONNX Runtime's native libraries for this platform from its jar into {@code workDir} once (reused while
     * the sizes match); null when the jar carries none for this platform (the child then loads them its own way).
     */
    static Path extractNativeLibraries(Path workDir, String version) throws IOException {
        String platform = platform();
        List<String> libs = List.of(
                System.mapLibraryName("onnxruntime").replace("jnilib", "dylib"),
                System.mapLibraryName("onnxruntime4j_jni").replace("jnilib", "dylib"));
        Path dir = workDir.resolve("onnxruntime-native-" + version + "-" + platform);
        for (String lib : libs) {
            URL url = OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform + "/" + lib);
            if (url == null) {
                return null;
            }
            Path target = dir.resolve(lib);
            URLConnection connection = url.openConnection();
            long size = connection.getContentLengthLong();
            if (Files.isRegularFile(target) && size > 0 && Files.size(target) == size) {
                continue;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, lib, ".part");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UncheckedIOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        }
        return dir;
    }

    /** ONNX Runtime's name for this platform's native folder, e.g. {@code linux-x64}. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64")
                ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return o + "-" + a;
    }
}
