package io.edgeloop.compiler.domain;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        return evaluate(model, data, level, measureProcessMemory, ModelIo.AUTO, 0);
    }

    /**
     * Evaluates {@code model} on {@code data} fed as {@code io} declares ({@link IoPlan}): the feature input from the
     * samples, the other inputs from their defaults; accuracy on the class-score output when the model has one
     * ({@code labels}: the number of class labels, 0 when unknown).
     */
    public ModelEvaluation evaluate(
            Path model,
            ValidationSet data,
            SessionOptions.OptLevel level,
            boolean measureProcessMemory,
            ModelIo io,
            int labels) {
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
            Signature sig = signature(s, name, data.featureCount(), io, labels);
            float[][] outputs = infer(s, sig, data, name);
            sample(rss);
            int[] predictions = new int[outputs.length];
            int correct = 0;
            for (int i = 0; i < outputs.length; i++) {
                predictions[i] = sig.classification ? argmax(outputs[i]) : 0;
                if (sig.classification && predictions[i] == data.labels()[i]) {
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
                    sig.feeds.stream()
                            .filter(InputFeed::feature)
                            .findFirst()
                            .orElseThrow()
                            .name(),
                    sig.output,
                    rss == null ? 0 : rss.peakGrowthBytes(),
                    sig.classification,
                    sig.inputs,
                    sig.outputs,
                    sig.feeds);
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

    /** How the model is fed, the judged output, and how samples are batched. */
    private record Signature(
            List<IoPlan.Tensor> inputs,
            List<IoPlan.Tensor> outputs,
            List<InputFeed> feeds,
            String output,
            boolean classification,
            int batch) {}

    private Signature signature(OrtSession s, String name, int featureCount, ModelIo io, int labels)
            throws OrtException {
        List<IoPlan.Tensor> inputs = IoPlan.of(s.getInputInfo());
        List<IoPlan.Tensor> outputs = IoPlan.of(s.getOutputInfo());
        List<InputFeed> feeds = IoPlan.feeds(name, inputs, io, featureCount);
        Optional<IoPlan.Tensor> scores = IoPlan.scoreOutput(name, outputs, io, labels);
        String output = scores.map(IoPlan.Tensor::name)
                .orElseGet(() -> IoPlan.firstNumericOutput(name, outputs).name());
        return new Signature(inputs, outputs, feeds, output, scores.isPresent(), IoPlan.batch(feeds, batchSize));
    }

    private float[][] infer(OrtSession s, Signature sig, ValidationSet data, String name) throws OrtException {
        int n = data.size();
        float[][] outputs = new float[n][];
        for (int start = 0; start < n; start += sig.batch) {
            int b = Math.min(sig.batch, n - start);
            Map<String, OnnxTensor> in = InputTensors.create(env, sig.feeds, b, data.features(), start, 0);
            try (OrtSession.Result r = s.run(in, Set.of(sig.output))) {
                float[][] rows = rows(r.get(0), b, name, sig.output);
                for (int i = 0; i < b; i++) {
                    if (start + i > 0 && rows[i].length != outputs[0].length) {
                        throw new InvalidModelException(name + " output width changed between batches");
                    }
                    outputs[start + i] = rows[i];
                }
            } finally {
                InputTensors.close(in);
            }
        }
        if (outputs[0].length == 0) {
            throw new InvalidModelException(name + " output '" + sig.output + "' is empty");
        }
        return outputs;
    }

    /** The output's values, one row per sample of the batch. */
    private static float[][] rows(OnnxValue value, int batch, String name, String output) {
        if (!(value instanceof OnnxTensor t)) {
            throw new InvalidModelException(name + " output '" + output + "' is not a tensor");
        }
        long[] shape = t.getInfo().getShape();
        if (shape.length == 0 || shape[0] != batch) {
            throw new InvalidModelException(name + " returned " + Arrays.toString(shape) + " from output '" + output
                    + "' for a batch of " + batch + "; [batch, ...] is expected");
        }
        float[] flat = floats(t);
        int per = flat.length / batch;
        float[][] rows = new float[batch][];
        for (int i = 0; i < batch; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * per, (i + 1) * per);
        }
        return rows;
    }

    /** A numeric tensor's values as floats. */
    static float[] floats(OnnxTensor t) {
        OnnxJavaType type = t.getInfo().type;
        float[] out = new float[Math.toIntExact(t.getInfo().getNumElements())];
        switch (type) {
            case FLOAT, FLOAT16, BFLOAT16 -> t.getFloatBuffer().get(out);
            case DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) b.get(i);
                }
            }
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i);
                }
            }
            case INT32 -> {
                IntBuffer b = t.getIntBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i);
                }
            }
            case INT16 -> {
                ShortBuffer b = t.getShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i);
                }
            }
            case INT8, UINT8, BOOL -> {
                ByteBuffer b = t.getByteBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = type == OnnxJavaType.INT8 ? b.get(i) : b.get(i) & 0xff;
                }
            }
            default -> throw new InvalidModelException("an output of type " + type + " cannot be judged");
        }
        return out;
    }

    /** p50 and p99 single-sample latency in microseconds. */
    private double[] latencyMicros(OrtSession s, Signature sig, ValidationSet data) throws OrtException {
        int pool = Math.min(data.size(), 64);
        List<Map<String, OnnxTensor>> singles = new ArrayList<>();
        try {
            for (int i = 0; i < pool; i++) {
                singles.add(InputTensors.create(env, sig.feeds, 1, data.features(), i, 0));
            }
            Set<String> out = Set.of(sig.output);
            for (int i = 0; i < warmupRuns; i++) {
                s.run(singles.get(i % pool), out).close();
            }
            long[] nanos = new long[latencyRuns];
            for (int i = 0; i < latencyRuns; i++) {
                Map<String, OnnxTensor> in = singles.get(i % pool);
                long t0 = System.nanoTime();
                OrtSession.Result r = s.run(in, out);
                nanos[i] = System.nanoTime() - t0;
                r.close();
            }
            Arrays.sort(nanos);
            return new double[] {percentile(nanos, 0.50) / 1000.0, percentile(nanos, 0.99) / 1000.0};
        } finally {
            singles.forEach(InputTensors::close);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
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
