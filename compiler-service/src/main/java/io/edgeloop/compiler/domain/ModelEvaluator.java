package io.edgeloop.compiler.domain;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Runs a model (ONNX or ORT format) with ONNX Runtime over a validation set: outputs, accuracy and single-sample
 * latency. Each artifact is evaluated exactly as saved: graph optimizations are disabled when the session is created,
 * so the figures describe the file that will be shipped, not what ONNX Runtime would make of it at load time. Input
 * and output names come from the model.
 *
 * <p>Peak memory: with {@code processMemory} the evaluator measures the growth of <em>this process's</em> resident set
 * while the session is created and run ({@link #evaluate(Path, ValidationSet, SessionOptions.OptLevel)}), a figure
 * that includes whatever else the JVM does meanwhile. The compiler measures a session in isolation with
 * {@link SessionMemoryProbe} instead (before the model is loaded here) and then creates the evaluator without
 * {@code processMemory}; {@link ModelEvaluation#peakMemoryBytes()} is 0 until the caller sets it.
 */
public final class ModelEvaluator {
    private final OrtEnvironment env;
    private final int intraOpThreads;
    private final int batchSize;
    private final int warmupRuns;
    private final int latencyRuns;
    private final boolean processMemory;

    /** An evaluator that measures peak memory in this process (see the class comment). */
    public ModelEvaluator(OrtEnvironment env, int intraOpThreads, int batchSize, int warmupRuns, int latencyRuns) {
        this(env, intraOpThreads, batchSize, warmupRuns, latencyRuns, true);
    }

    /**
     * @param intraOpThreads ONNX Runtime intra-op threads per session
     * @param batchSize samples per run in the accuracy pass (for models with a dynamic batch dimension)
     * @param warmupRuns untimed single-sample runs before measuring latency
     * @param latencyRuns timed single-sample runs (at least 1)
     * @param processMemory measure peak memory as this process's resident-set growth; 0 when false
     */
    public ModelEvaluator(
            OrtEnvironment env,
            int intraOpThreads,
            int batchSize,
            int warmupRuns,
            int latencyRuns,
            boolean processMemory) {
        if (intraOpThreads < 1 || batchSize < 1 || warmupRuns < 0 || latencyRuns < 1) {
            throw new IllegalArgumentException(
                    "intra-op threads, batch size and latency runs must be >= 1, warm-up" + " runs >= 0");
        }
        this.env = env;
        this.intraOpThreads = intraOpThreads;
        this.batchSize = batchSize;
        this.warmupRuns = warmupRuns;
        this.latencyRuns = latencyRuns;
        this.processMemory = processMemory;
    }

    /** ONNX Runtime intra-op threads per session. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Samples per run in the accuracy pass. */
    public int batchSize() {
        return batchSize;
    }

    /** Whether {@link ModelEvaluation#peakMemoryBytes()} is measured in this process. */
    public boolean measuresProcessMemory() {
        return processMemory;
    }

    /** Whether {@code model} is loaded as ORT format (by its {@code .ort} file name). */
    static boolean isOrtFormat(Path model) {
        return model.getFileName().toString().endsWith(".ort");
    }

    /**
     * Evaluates {@code model} on {@code data}.
     *
     * @throws InvalidModelException when ONNX Runtime cannot load or run the model, or its signature is unusable
     * @throws CompilationFailure when the validation data does not fit the model
     */
    public ModelEvaluation evaluate(Path model, ValidationSet data) {
        return evaluate(model, data, SessionOptions.OptLevel.NO_OPT);
    }

    /**
     * Evaluates {@code model} on {@code data} with a session created at optimization level {@code level} (quantized
     * variants are evaluated as a device loads them: ONNX Runtime fuses the QDQ pattern into int8 kernels then).
     * With {@code processMemory}, peak memory is the growth of this process's resident set while the session is
     * created and run: the RSS high-water mark (VmHWM, reset through {@code /proc/self/clear_refs}) minus the RSS
     * before loading; where the reset is not possible, the largest of RSS samples taken after loading, inference and
     * the latency runs. It includes anything else the JVM allocated meanwhile, and is 0 where {@code /proc} is
     * unavailable. Without it, peak memory is 0 (the caller measures it with {@link SessionMemoryProbe}).
     */
    public ModelEvaluation evaluate(Path model, ValidationSet data, SessionOptions.OptLevel level) {
        return evaluate(model, data, level, processMemory);
    }

    /**
     * {@link #evaluate(Path, ValidationSet, SessionOptions.OptLevel)}, measuring this process's resident-set growth
     * when {@code measureProcessMemory} (whatever the evaluator's default).
     */
    public ModelEvaluation evaluate(
            Path model, ValidationSet data, SessionOptions.OptLevel level, boolean measureProcessMemory) {
        if (data.size() == 0) {
            throw new CompilationFailure("the validation set is empty");
        }
        long size;
        try {
            size = Files.size(model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + model, e);
        }
        String name = model.getFileName().toString();
        OrtSession session;
        SessionOptions options = null;
        RssProbe rss = measureProcessMemory ? RssProbe.start() : null;
        try {
            options = sessionOptions(model, level);
            session = env.createSession(model.toString(), options);
        } catch (OrtException e) {
            if (options != null) {
                options.close();
            }
            throw new InvalidModelException(name + " is not a model ONNX Runtime can load: " + e.getMessage(), e);
        }
        try (SessionOptions ignored = options;
                OrtSession s = session) {
            sample(rss);
            Signature sig = signature(s, name, data.featureCount());
            float[][] outputs = infer(s, sig, data, name);
            sample(rss);
            int[] predictions = new int[outputs.length];
            int correct = 0;
            for (int i = 0; i < outputs.length; i++) {
                predictions[i] = argmax(outputs[i]);
                if (predictions[i] == data.labels()[i]) {
                    correct++;
                }
            }
            double[] latency = latencyMicros(s, sig, data);
            sample(rss);
            return new ModelEvaluation(
                    outputs,
                    predictions,
                    (double) correct / outputs.length,
                    latency[0],
                    latency[1],
                    size,
                    sig.input,
                    sig.output,
                    rss == null ? 0 : rss.peakGrowthBytes());
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime failed to run " + name + ": " + e.getMessage(), e);
        }
    }

    private static void sample(RssProbe rss) {
        if (rss != null) {
            rss.sample();
        }
    }

    /** The session options; {@link SessionMemoryProbeMain} creates its sessions the same way. */
    private SessionOptions sessionOptions(Path model, SessionOptions.OptLevel level) throws OrtException {
        SessionOptions o = new SessionOptions();
        o.setOptimizationLevel(level);
        o.setIntraOpNumThreads(intraOpThreads);
        o.setInterOpNumThreads(1);
        if (isOrtFormat(model)) {
            o.addConfigEntry("session.load_model_format", "ORT");
        }
        return o;
    }

    /** The model's single float input, the first rank-2 float output, and how samples are batched. */
    private record Signature(String input, long[] sampleDims, String output, int batch) {}

    private Signature signature(OrtSession s, String name, int featureCount) throws OrtException {
        Map<String, NodeInfo> inputs = s.getInputInfo();
        if (inputs.size() != 1) {
            throw new InvalidModelException(
                    name + " has " + inputs.size() + " inputs " + inputs.keySet() + "; one feature tensor is expected");
        }
        NodeInfo in = inputs.values().iterator().next();
        if (!(in.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
            throw new InvalidModelException(
                    name + " input '" + in.getName() + "' is " + in.getInfo() + "; a float tensor is expected");
        }
        long[] shape = ti.getShape();
        if (shape.length < 2) {
            throw new InvalidModelException(name + " input '" + in.getName() + "' has shape " + Arrays.toString(shape)
                    + "; [batch, features...] is expected");
        }
        long[] sampleDims = Arrays.copyOfRange(shape, 1, shape.length);
        long perSample = 1;
        for (long d : sampleDims) {
            if (d <= 0) {
                throw new InvalidModelException(name + " input '" + in.getName() + "' has shape "
                        + Arrays.toString(shape) + "; only the batch dimension may be dynamic");
            }
            perSample *= d;
        }
        if (perSample != featureCount) {
            throw new CompilationFailure(name + " input '" + in.getName() + "' takes " + perSample
                    + " values per sample " + Arrays.toString(shape) + " but validation samples have " + featureCount
                    + " features");
        }
        int batch;
        if (shape[0] == 1) {
            batch = 1;
        } else if (shape[0] <= 0) {
            batch = batchSize;
        } else {
            throw new InvalidModelException(
                    name + " has a fixed batch dimension of " + shape[0] + "; 1 or dynamic is expected");
        }
        for (NodeInfo out : s.getOutputInfo().values()) {
            if (out.getInfo() instanceof TensorInfo oi && oi.type == OnnxJavaType.FLOAT && oi.getShape().length == 2) {
                return new Signature(in.getName(), sampleDims, out.getName(), batch);
            }
        }
        throw new InvalidModelException(name + " has no [batch, classes] float output among "
                + s.getOutputInfo().keySet());
    }

    private float[][] infer(OrtSession s, Signature sig, ValidationSet data, String name) throws OrtException {
        int n = data.size();
        int f = data.featureCount();
        float[][] outputs = new float[n][];
        for (int start = 0; start < n; start += sig.batch) {
            int b = Math.min(sig.batch, n - start);
            FloatBuffer buf = FloatBuffer.allocate(b * f);
            for (int i = 0; i < b; i++) {
                buf.put(data.features()[start + i]);
            }
            buf.flip();
            try (OnnxTensor t = OnnxTensor.createTensor(env, buf, shape(b, sig.sampleDims));
                    OrtSession.Result r = s.run(Map.of(sig.input, t), Set.of(sig.output))) {
                float[][] rows = rows(r.get(0), name, sig.output);
                if (rows.length != b) {
                    throw new InvalidModelException(name + " returned " + rows.length + " rows for a batch of " + b);
                }
                for (int i = 0; i < b; i++) {
                    if (start + i > 0 && rows[i].length != outputs[0].length) {
                        throw new InvalidModelException(name + " output width changed between batches");
                    }
                    outputs[start + i] = rows[i];
                }
            }
        }
        if (outputs[0].length == 0) {
            throw new InvalidModelException(name + " output '" + sig.output + "' has no classes");
        }
        return outputs;
    }

    private static float[][] rows(OnnxValue value, String name, String output) throws OrtException {
        if (value.getValue() instanceof float[][] rows) {
            return rows;
        }
        throw new InvalidModelException(name + " output '" + output + "' is not a float matrix");
    }

    /** p50 and p99 single-sample latency in microseconds. */
    private double[] latencyMicros(OrtSession s, Signature sig, ValidationSet data) throws OrtException {
        int pool = Math.min(data.size(), 64);
        OnnxTensor[] singles = new OnnxTensor[pool];
        try {
            for (int i = 0; i < pool; i++) {
                singles[i] =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(data.features()[i]), shape(1, sig.sampleDims));
            }
            Set<String> out = Set.of(sig.output);
            for (int i = 0; i < warmupRuns; i++) {
                s.run(Map.of(sig.input, singles[i % pool]), out).close();
            }
            long[] nanos = new long[latencyRuns];
            for (int i = 0; i < latencyRuns; i++) {
                Map<String, OnnxTensor> in = Map.of(sig.input, singles[i % pool]);
                long t0 = System.nanoTime();
                OrtSession.Result r = s.run(in, out);
                nanos[i] = System.nanoTime() - t0;
                r.close();
            }
            Arrays.sort(nanos);
            return new double[] {percentile(nanos, 0.50) / 1000.0, percentile(nanos, 0.99) / 1000.0};
        } finally {
            for (OnnxTensor t : singles) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static long[] shape(int batch, long[] sampleDims) {
        long[] shape = new long[sampleDims.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleDims, 0, shape, 1, sampleDims.length);
        return shape;
    }

    /** Index of the largest value (the first on ties); NaN never wins. */
    static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best] || Float.isNaN(row[best])) {
                best = i;
            }
        }
        return best;
    }
}
