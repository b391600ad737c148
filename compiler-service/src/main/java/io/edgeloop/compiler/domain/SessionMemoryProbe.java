package io.edgeloop.compiler.domain;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

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
 *
 * <p>This class checks the settings, measures and turns what a child did into a figure or a failure; finding the
 * launcher, class path and native libraries and building the command line is {@code ProbeJvm}'s, running children in
 * their scratch folders {@code ProbeProcesses}', and a request's child arguments {@code ProbeArguments}'.
 */
public final class SessionMemoryProbe implements AutoCloseable {
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    private final ProbeJvm jvm;
    private final ProbeProcesses processes;
    private final Duration timeout;
    private final int parallelism;
    private final String ortVersion;

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

    private SessionMemoryProbe(ProbeJvm jvm, Path scratchRoot, Duration timeout, int parallelism, String ortVersion) {
        this.jvm = jvm;
        this.processes = new ProbeProcesses(jvm, scratchRoot, timeout);
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
        entries.add(ProbeJvm.codeSource(OrtEnvironment.class).toString());
        entries.add(ProbeJvm.codeSource(SessionMemoryProbeMain.class).toString());
        entries.add(ProbeJvm.codeSource(main).toString());
        String ortVersion = OrtEnvironment.getEnvironment().getVersion();
        Path nativeDir;
        try {
            Files.createDirectories(workDir);
            nativeDir = ProbeJvm.extractNativeLibraries(workDir, ortVersion);
        } catch (IOException e) {
            throw new UnavailableException("cannot prepare " + workDir + ": " + e, e);
        }
        ProbeJvm jvm = new ProbeJvm(launcher, entries, main.getName(), nativeDir, heap);
        SessionMemoryProbe probe = new SessionMemoryProbe(jvm, workDir, timeout, parallelism, ortVersion);
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
        return jvm.describe() + ", timeout " + timeout.toMillis() + " ms, " + parallelism + " at a time";
    }

    /**
     * Measures one session.
     *
     * @throws ModelFailure when the model crashes ONNX Runtime, hangs past the timeout or is refused by it
     * @throws ProbeError when the probe itself fails
     */
    public Measurement measure(Request request) {
        if (processes.closed()) {
            throw new IllegalStateException("the memory probe is closed");
        }
        String name = request.model().getFileName().toString();
        ProbeArguments arguments = ProbeArguments.of(request);
        ProbeChild c = processes.run(arguments.args(), arguments.inputBytes());
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
        processes.close();
    }

    private void selfCheck() throws UnavailableException {
        ProbeChild c = processes.run(List.of("check"), 0);
        if (c.exit() != 0 || c.timedOut() || !c.stdout().contains("\"ort_version\"")) {
            throw new UnavailableException(
                    "a probe JVM does not start (" + processes.commandLine() + "): exit " + c.exit()
                            + (c.timedOut() ? ", timed out" : "") + " " + c.tail(c.stderr() + c.stdout()),
                    null);
        }
    }

    /** This JVM's java launcher: the running process's command when it is {@code java}, else under java.home. */
    static Optional<Path> javaLauncher() {
        return ProbeJvm.javaLauncher();
    }

    /** ONNX Runtime's name for this platform's native folder, e.g. {@code linux-x64}. */
    static String platform() {
        return ProbeJvm.platform();
    }
}
