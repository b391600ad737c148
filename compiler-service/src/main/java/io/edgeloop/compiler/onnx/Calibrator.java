package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the value ranges of intermediate float tensors by running the float model in ONNX Runtime on calibration
 * samples: the requested tensors are added as graph outputs, and every sample batch is run once per pass. With
 * {@link Method#MINMAX} the range is the observed minimum and maximum; with {@link Method#PERCENTILE} a second pass
 * builds a 4096-bin histogram over the observed range and the range is cut at the lower and upper percentiles (outliers
 * then saturate instead of stretching the scale).
 */
public final class Calibrator {
    /** How a tensor's range is derived from the observed values. */
    public enum Method {
        MINMAX,
        PERCENTILE
    }

    private static final int BINS = 4096;
    private static final int BATCH = 64;

    private final OrtEnvironment env;
    private final Method method;
    private final double percentile;

    /** @param percentile for {@link Method#PERCENTILE}: e.g. 99.99 keeps [0.01 %, 99.99 %] of the values */
    public Calibrator(OrtEnvironment env, Method method, double percentile) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100]");
        }
        this.env = env;
        this.method = method;
        this.percentile = percentile;
    }

    public Method method() {
        return method;
    }

    public double percentile() {
        return percentile;
    }

    /**
     * Ranges {lo, hi} of {@code tensors} over {@code samples} (flat feature rows in the model's input layout).
     *
     * @throws IllegalArgumentException when there are no samples or they do not fit the model's input
     */
    public Map<String, float[]> ranges(OnnxMl.ModelProto model, Set<String> tensors, float[][] samples)
            throws OrtException {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no calibration samples");
        }
        long[] sampleDims = sampleDims(model.getGraph(), samples[0].length);
        String input = inputName(model.getGraph());
        int f = samples[0].length;
        return ranges(model, tensors, samples.length, BATCH, (start, b) -> {
            FloatBuffer buf = FloatBuffer.allocate(b * f);
            for (int i = 0; i < b; i++) {
                buf.put(samples[start + i]);
            }
            buf.flip();
            long[] shape = new long[sampleDims.length + 1];
            shape[0] = b;
            System.arraycopy(sampleDims, 0, shape, 1, sampleDims.length);
            return Map.of(input, OnnxTensor.createTensor(env, buf, shape));
        });
    }

    /** The input tensors of one calibration run; the calibrator closes them. */
    @FunctionalInterface
    public interface Inputs {
        /** Every input of the model for samples {@code start..start+size-1}. */
        Map<String, OnnxTensor> batch(int start, int size) throws OrtException;
    }

    /**
     * Ranges {lo, hi} of {@code tensors} over {@code sampleCount} samples that {@code inputs} feeds to the model
     * (any number of inputs), at most {@code maxBatch} at a time.
     *
     * @throws IllegalArgumentException when there are no samples
     */
    public Map<String, float[]> ranges(
            OnnxMl.ModelProto model, Set<String> tensors, int sampleCount, int maxBatch, Inputs inputs)
            throws OrtException {
        if (sampleCount == 0) {
            throw new IllegalArgumentException("no calibration samples");
        }
        Feed feed = new Feed(sampleCount, Math.max(1, Math.min(BATCH, maxBatch)), inputs);
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (String t : tensors) {
            if (outputs.add(t)) {
                g.addOutput(OnnxMl.ValueInfoProto.newBuilder()
                        .setName(t)
                        .setType(OnnxMl.TypeProto.newBuilder()
                                .setTensorType(
                                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT))));
            }
        }
        byte[] augmented = model.toBuilder().setGraph(g).build().toByteArray();
        Map<String, float[]> minMax = new LinkedHashMap<>();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(augmented, o)) {
                for (String t : tensors) {
                    minMax.put(t, new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
                }
                run(s, feed, tensors, (name, v) -> {
                    float[] r = minMax.get(name);
                    for (float x : v) {
                        if (Float.isFinite(x)) {
                            r[0] = Math.min(r[0], x);
                            r[1] = Math.max(r[1], x);
                        }
                    }
                });
                for (float[] r : minMax.values()) {
                    if (r[0] > r[1]) { // nothing finite seen
                        r[0] = 0;
                        r[1] = 0;
                    }
                }
                if (method == Method.MINMAX || percentile == 100) {
                    return minMax;
                }
                Map<String, long[]> hist = new LinkedHashMap<>();
                tensors.forEach(t -> hist.put(t, new long[BINS]));
                run(s, feed, tensors, (name, v) -> {
                    float[] r = minMax.get(name);
                    long[] h = hist.get(name);
                    double width = (r[1] - r[0]) / BINS;
                    for (float x : v) {
                        if (Float.isFinite(x)) {
                            int b = width == 0 ? 0 : (int) ((x - r[0]) / width);
                            h[Math.max(0, Math.min(BINS - 1, b))]++;
                        }
                    }
                });
                Map<String, float[]> cut = new LinkedHashMap<>();
                for (String t : tensors) {
                    cut.put(t, cut(minMax.get(t), hist.get(t), percentile));
                }
                return cut;
            }
        }
    }

    /** The range between the (100 - p) and p percentiles of a histogram over {@code range}. */
    static float[] cut(float[] range, long[] hist, double p) {
        long total = 0;
        for (long c : hist) {
            total += c;
        }
        if (total == 0 || range[0] == range[1]) {
            return range.clone();
        }
        double tail = total * (100 - p) / 100.0;
        double width = ((double) range[1] - range[0]) / hist.length;
        int lo = 0;
        long acc = 0;
        while (lo < hist.length - 1 && acc + hist[lo] <= tail) {
            acc += hist[lo++];
        }
        int hi = hist.length - 1;
        acc = 0;
        while (hi > lo && acc + hist[hi] <= tail) {
            acc += hist[hi--];
        }
        return new float[] {(float) (range[0] + lo * width), (float) (range[0] + (hi + 1) * width)};
    }

    private interface Sink {
        void accept(String tensor, float[] values);
    }

    /** Where the samples come from: {@code count} samples, {@code batch} per run. */
    private record Feed(int count, int batch, Inputs inputs) {}

    private void run(OrtSession s, Feed feed, Set<String> tensors, Sink sink) throws OrtException {
        List<String> names = new ArrayList<>(tensors);
        for (int start = 0; start < feed.count(); start += feed.batch()) {
            int b = Math.min(feed.batch(), feed.count() - start);
            Map<String, OnnxTensor> in = feed.inputs().batch(start, b);
            try (OrtSession.Result r = s.run(in, new HashSet<>(names))) {
                for (String name : names) {
                    OnnxValue v = r.get(name).orElseThrow();
                    FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                    float[] values = new float[fb.remaining()];
                    fb.get(values);
                    sink.accept(name, values);
                }
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }

    /** The graph's one non-initializer input. */
    static String inputName(OnnxMl.GraphProto g) {
        Set<String> init = new HashSet<>();
        g.getInitializerList().forEach(t -> init.add(t.getName()));
        List<String> inputs = g.getInputList().stream()
                .map(OnnxMl.ValueInfoProto::getName)
                .filter(n -> !init.contains(n))
                .toList();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("the model has " + inputs.size() + " inputs; one is expected");
        }
        return inputs.get(0);
    }

    /** Dimensions of one sample (input shape without the batch dimension), checked against the feature count. */
    static long[] sampleDims(OnnxMl.GraphProto g, int featureCount) {
        String name = inputName(g);
        OnnxMl.ValueInfoProto in = g.getInputList().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow();
        long[] shape = ShapeInference.fromValueInfo(in).shape();
        if (shape == null || shape.length < 2) {
            return new long[] {featureCount};
        }
        long[] dims = java.util.Arrays.copyOfRange(shape, 1, shape.length);
        if (Tensors.count(dims) != featureCount) {
            throw new IllegalArgumentException("samples have " + featureCount + " values, the model input "
                    + java.util.Arrays.toString(dims) + " needs " + Tensors.count(dims));
        }
        return dims;
    }
}
