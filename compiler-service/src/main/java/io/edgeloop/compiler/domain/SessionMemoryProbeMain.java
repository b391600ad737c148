package io.edgeloop.compiler.domain;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The child process of {@link SessionMemoryProbe}: measures the resident memory one ONNX Runtime session costs. It
 * runs in its own short-lived JVM with this service's classes and the ONNX Runtime jar on the class path, so it must use
 * nothing but the JDK, {@code ai.onnxruntime} and the JDK-only {@link InputFeed}/{@link InputTensors} (no Quarkus).
 *
 * <p>Arguments ({@code key=value}): {@code model}, {@code opt-level} (an {@link SessionOptions.OptLevel} name),
 * {@code threads}, {@code ort-format} ({@code true|false}), {@code batch}, {@code shape} (the input's dims, {@code -1}
 * for dynamic ones, e.g. {@code -1,8}; empty: only the session is created), {@code batch-runs}, {@code single-runs};
 * or, for any number of inputs of any numeric type, {@code input.N=<name>}, {@code input.N.type} (an
 * {@link OnnxJavaType} name), {@code input.N.shape} and {@code input.N.fill} ({@code features}: random values, else
 * the value of every element), which replace {@code shape}.
 * With the single argument {@code check} it only loads ONNX Runtime and prints its version.
 *
 * <p>It creates the environment (loading the native library) and the random input tensors, resets the RSS high-water
 * mark ({@code 5 > /proc/self/clear_refs}), notes VmRSS, creates the session, runs the batch and the single sample a
 * few times, and prints one JSON line: {@code peak_bytes} (VmHWM minus the RSS before the session), {@code load_bytes}
 * (RSS after creating the session minus the RSS before), {@code hwm_reset} and {@code ort_version}. Progress
 * ({@code stage=loading}, {@code stage=running}) goes to stderr, so that the parent can tell where a crash happened.
 * Exit codes: 0 measured, 2 ONNX Runtime refused to load the model, 3 it failed to run it, 4 any other error.
 */
final class SessionMemoryProbeMain {
    static final int EXIT_LOAD_FAILED = 2;
    static final int EXIT_RUN_FAILED = 3;
    static final int EXIT_PROBE_ERROR = 4;

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private SessionMemoryProbeMain() {}

    public static void main(String[] args) {
        int stage = 0; // 0 preparing, 1 loading, 2 running
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            if (args.length == 1 && args[0].equals("check")) {
                System.out.println("{\"ort_version\":\"" + env.getVersion() + "\"}");
                return;
            }
            Map<String, String> a = new HashMap<>();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("expected key=value, got " + arg);
                }
                a.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
            long[] shape = parseShape(a.getOrDefault("shape", ""));
            int batch = shape != null && shape[0] == 1 ? 1 : Integer.parseInt(required(a, "batch"));
            List<InputFeed> feeds = feeds(a);
            Map<String, OnnxTensor> batchInputs =
                    feeds.isEmpty() ? null : InputTensors.create(env, feeds, batch, null, 0, 1);
            Map<String, OnnxTensor> singleInputs =
                    feeds.isEmpty() ? null : InputTensors.create(env, feeds, 1, null, 0, 2);
            OnnxTensor batchInput = shape == null || !feeds.isEmpty() ? null : randomTensor(env, shape, batch, 1);
            OnnxTensor singleInput = shape == null || !feeds.isEmpty() ? null : randomTensor(env, shape, 1, 2);
            try (SessionOptions options = new SessionOptions()) {
                options.setOptimizationLevel(SessionOptions.OptLevel.valueOf(required(a, "opt-level")));
                options.setIntraOpNumThreads(Integer.parseInt(required(a, "threads")));
                options.setInterOpNumThreads(1);
                if (Boolean.parseBoolean(a.get("ort-format"))) {
                    options.addConfigEntry("session.load_model_format", "ORT");
                }
                int batchRuns = Integer.parseInt(a.getOrDefault("batch-runs", "3"));
                int singleRuns = Integer.parseInt(a.getOrDefault("single-runs", "10"));
                String model = required(a, "model");

                boolean hwmReset = resetHighWaterMark();
                long before = read("VmRSS:");
                stage = 1;
                System.err.println("stage=loading");
                try (OrtSession session = env.createSession(model, options)) {
                    long afterLoad = read("VmRSS:");
                    stage = 2;
                    System.err.println("stage=running");
                    if (batchInputs != null) {
                        for (int i = 0; i < batchRuns; i++) {
                            session.run(batchInputs).close();
                        }
                        for (int i = 0; i < singleRuns; i++) {
                            session.run(singleInputs).close();
                        }
                    } else if (batchInput != null && session.getNumInputs() == 1) {
                        String input = session.getInputNames().iterator().next();
                        for (int i = 0; i < batchRuns; i++) {
                            session.run(Map.of(input, batchInput)).close();
                        }
                        for (int i = 0; i < singleRuns; i++) {
                            session.run(Map.of(input, singleInput)).close();
                        }
                    }
                    long afterRun = read("VmRSS:");
                    long peak = Math.max(afterLoad, afterRun);
                    if (hwmReset) {
                        peak = Math.max(peak, read("VmHWM:"));
                    }
                    System.out.println(String.format(
                            Locale.ROOT,
                            "{\"peak_bytes\":%d,\"load_bytes\":%d,\"rss_before_bytes\":%d,\"hwm_reset\":%b,"
                                    + "\"ort_version\":\"%s\"}",
                            Math.max(0, peak - before),
                            Math.max(0, afterLoad - before),
                            before,
                            hwmReset,
                            env.getVersion()));
                    System.out.flush();
                }
            }
        } catch (OrtException e) {
            System.err.println("onnxruntime: " + e.getMessage());
            System.exit(stage == 1 ? EXIT_LOAD_FAILED : stage == 2 ? EXIT_RUN_FAILED : EXIT_PROBE_ERROR);
        } catch (Throwable e) {
            System.err.println("probe error: " + e);
            System.exit(EXIT_PROBE_ERROR);
        }
    }

    /** The {@code input.N=name}, {@code input.N.type}, {@code .shape}, {@code .fill} arguments (none: empty). */
    static List<InputFeed> feeds(Map<String, String> a) {
        List<InputFeed> feeds = new ArrayList<>();
        for (int i = 0; a.containsKey("input." + i); i++) {
            String p = "input." + i;
            String dims = required(a, p + ".shape");
            long[] shape = dims.isBlank()
                    ? new long[0]
                    : Arrays.stream(dims.split(","))
                            .mapToLong(d -> Long.parseLong(d.trim()))
                            .toArray();
            String fill = required(a, p + ".fill");
            boolean feature = fill.equals("features");
            feeds.add(new InputFeed(
                    a.get(p),
                    OnnxJavaType.valueOf(required(a, p + ".type")),
                    shape,
                    feature,
                    feature ? 0 : Double.parseDouble(fill)));
        }
        return feeds;
    }

    private static String required(Map<String, String> args, String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + key);
        }
        return v;
    }

    /** The input dims, or null when there are none (empty, or fewer than two dims). */
    static long[] parseShape(String s) {
        if (s.isBlank()) {
            return null;
        }
        String[] parts = s.split(",");
        if (parts.length < 2) {
            return null;
        }
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Long.parseLong(parts[i].trim());
            if (i > 0 && dims[i] <= 0) {
                return null;
            }
        }
        return dims;
    }

    /** A direct (zero-copy) float tensor of {@code batch} random samples of {@code shape}'s sample dims. */
    private static OnnxTensor randomTensor(OrtEnvironment env, long[] shape, int batch, long seed) throws OrtException {
        long[] dims = shape.clone();
        dims[0] = batch;
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        FloatBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(count * Float.BYTES))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        Random r = new Random(seed);
        while (buf.hasRemaining()) {
            buf.put((float) r.nextGaussian());
        }
        buf.rewind();
        return OnnxTensor.createTensor(env, buf, dims);
    }

    private static boolean resetHighWaterMark() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A {@code kB} field of /proc/self/status in bytes, 0 when unreadable. */
    private static long read(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
