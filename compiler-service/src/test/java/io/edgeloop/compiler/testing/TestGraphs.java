package io.edgeloop.compiler.testing;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.onnx.Tensors;
import java.util.List;
import java.util.Random;

/**
 * Small ONNX graphs shaped like the trainer's exports, built with the ONNX protobuf schema: an MLP
 * (Sub/Div normalization, Gemm, Relu, Gemm, Softmax) whose read-out is fitted on simulator data, and a 1D CNN
 * (Conv, Relu, MaxPool, GlobalAveragePool, Flatten, Gemm, Softmax) with seeded random weights.
 */
public final class TestGraphs {
    private TestGraphs() {}

    /**
     * An MLP on {@code train}: a seeded random hidden layer of {@code hidden} ReLU units on standardized inputs, and a
     * ridge-regression read-out onto one-hot labels (a trained model in closed form).
     */
    public static OnnxMl.ModelProto mlp(ValidationSet train, int hidden, int classes, long seed) {
        int f = train.featureCount();
        int n = train.size();
        float[] mean = new float[f];
        float[] std = new float[f];
        for (float[] x : train.features()) {
            for (int j = 0; j < f; j++) {
                mean[j] += x[j] / n;
            }
        }
        for (float[] x : train.features()) {
            for (int j = 0; j < f; j++) {
                std[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < f; j++) {
            std[j] = (float) Math.sqrt(std[j]) + 1e-6f;
        }
        Random r = new Random(seed);
        float[] w1 = new float[hidden * f]; // [hidden, f], transB = 1
        float[] b1 = new float[hidden];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (r.nextGaussian() / Math.sqrt(f));
        }
        for (int i = 0; i < hidden; i++) {
            b1[i] = (float) (r.nextGaussian() * 0.5);
        }
        double[][] h = new double[n][hidden + 1];
        for (int s = 0; s < n; s++) {
            for (int u = 0; u < hidden; u++) {
                double z = b1[u];
                for (int j = 0; j < f; j++) {
                    z += w1[u * f + j] * (train.features()[s][j] - mean[j]) / std[j];
                }
                h[s][u] = Math.max(0, z);
            }
            h[s][hidden] = 1;
        }
        int d = hidden + 1;
        double[][] a = new double[d][d + classes];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    a[i][j] += h[s][i] * h[s][j];
                }
                a[i][d + train.labels()[s]] += h[s][i];
            }
        }
        for (int i = 0; i < d; i++) {
            a[i][i] += 1e-3 * n;
        }
        solve(a, d);
        float[] w2 = new float[classes * hidden]; // [classes, hidden], transB = 1
        float[] b2 = new float[classes];
        for (int c = 0; c < classes; c++) {
            for (int u = 0; u < hidden; u++) {
                w2[c * hidden + u] = (float) (a[u][d + c] * 10);
            }
            b2[c] = (float) (a[hidden][d + c] * 10);
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("mlp")
                .addInput(input("features", f))
                .addOutput(output("probabilities", classes))
                .addInitializer(Tensors.floatTensor("mean", new long[] {f}, mean))
                .addInitializer(Tensors.floatTensor("std", new long[] {f}, std))
                .addInitializer(Tensors.floatTensor("w1", new long[] {hidden, f}, w1))
                .addInitializer(Tensors.floatTensor("b1", new long[] {hidden}, b1))
                .addInitializer(Tensors.floatTensor("w2", new long[] {classes, hidden}, w2))
                .addInitializer(Tensors.floatTensor("b2", new long[] {classes}, b2))
                .addNode(Tensors.node("Sub", "sub", List.of("features", "mean"), List.of("centered")))
                .addNode(Tensors.node("Div", "div", List.of("centered", "std"), List.of("normalized")))
                .addNode(gemm("gemm1", "normalized", "w1", "b1", "h1"))
                .addNode(Tensors.node("Relu", "relu1", List.of("h1"), List.of("a1")))
                .addNode(gemm("gemm2", "a1", "w2", "b2", "logits"))
                .addNode(softmax());
        return model(g);
    }

    /**
     * The MLP of {@link #mlp} written the way other exporters do: MatMul + Add instead of Gemm (weights [in, out]).
     */
    public static OnnxMl.ModelProto matMulMlp(ValidationSet train, int hidden, int classes, long seed) {
        OnnxMl.ModelProto m = mlp(train, hidden, classes, seed);
        OnnxMl.GraphProto g = m.getGraph();
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (t.getName().startsWith("w")) {
                int rows = (int) t.getDims(0);
                int cols = (int) t.getDims(1);
                float[] v = Tensors.floats(t);
                float[] tr = new float[v.length];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        tr[c * rows + r] = v[r * cols + c];
                    }
                }
                b.addInitializer(Tensors.floatTensor(t.getName(), new long[] {cols, rows}, tr));
            } else {
                b.addInitializer(t);
            }
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Gemm")) {
                String mm = n.getOutput(0) + "_mm";
                b.addNode(Tensors.node(
                        "MatMul", n.getName() + "_matmul", List.of(n.getInput(0), n.getInput(1)), List.of(mm)));
                b.addNode(Tensors.node("Add", n.getName() + "_add", List.of(mm, n.getInput(2)), n.getOutputList()));
            } else {
                b.addNode(n);
            }
        }
        return m.toBuilder().setGraph(b).build();
    }

    /** A 1D CNN on [channels, steps] inputs with seeded random weights. */
    public static OnnxMl.ModelProto cnn1d(int channels, int steps, int filters, int classes, long seed) {
        Random r = new Random(seed);
        int k = 5;
        float[] w = gaussian(r, filters * channels * k, 1 / Math.sqrt(channels * k));
        float[] b = gaussian(r, filters, 0.1);
        float[] w2 = gaussian(r, filters * filters * 3, 1 / Math.sqrt(filters * 3));
        float[] b2 = gaussian(r, filters, 0.1);
        float[] wd = gaussian(r, classes * filters, 1 / Math.sqrt(filters));
        float[] bd = gaussian(r, classes, 0.1);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("cnn1d")
                .addInput(input("windows", channels, steps))
                .addOutput(output("probabilities", classes))
                .addInitializer(Tensors.floatTensor("conv1_w", new long[] {filters, channels, k}, w))
                .addInitializer(Tensors.floatTensor("conv1_b", new long[] {filters}, b))
                .addInitializer(Tensors.floatTensor("conv2_w", new long[] {filters, filters, 3}, w2))
                .addInitializer(Tensors.floatTensor("conv2_b", new long[] {filters}, b2))
                .addInitializer(Tensors.floatTensor("dense_w", new long[] {classes, filters}, wd))
                .addInitializer(Tensors.floatTensor("dense_b", new long[] {classes}, bd))
                .addNode(Tensors.node(
                        "Conv",
                        "conv1",
                        List.of("windows", "conv1_w", "conv1_b"),
                        List.of("c1"),
                        ints("kernel_shape", k),
                        ints("pads", 2, 2)))
                .addNode(Tensors.node("Relu", "relu1", List.of("c1"), List.of("r1")))
                .addNode(Tensors.node(
                        "MaxPool", "pool1", List.of("r1"), List.of("p1"), ints("kernel_shape", 2), ints("strides", 2)))
                .addNode(Tensors.node(
                        "Conv",
                        "conv2",
                        List.of("p1", "conv2_w", "conv2_b"),
                        List.of("c2"),
                        ints("kernel_shape", 3),
                        ints("pads", 1, 1)))
                .addNode(Tensors.node("Relu", "relu2", List.of("c2"), List.of("r2")))
                .addNode(Tensors.node("GlobalAveragePool", "gap", List.of("r2"), List.of("g")))
                .addNode(Tensors.node("Flatten", "flatten", List.of("g"), List.of("flat")))
                .addNode(gemm("dense", "flat", "dense_w", "dense_b", "logits"))
                .addNode(softmax());
        return model(g);
    }

    /** One Gemm ({@code inputs -> outputs}, seeded random weights) and Softmax: {@code 4 * inputs * outputs} bytes. */
    public static OnnxMl.ModelProto gemm(int inputs, int outputs, long seed) {
        Random r = new Random(seed);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("gemm")
                .addInput(input("features", inputs))
                .addOutput(output("probabilities", outputs))
                .addInitializer(Tensors.floatTensor(
                        "w", new long[] {outputs, inputs}, gaussian(r, outputs * inputs, 1 / Math.sqrt(inputs))))
                .addInitializer(Tensors.floatTensor("b", new long[] {outputs}, gaussian(r, outputs, 0.1)))
                .addNode(gemm("gemm", "features", "w", "b", "logits"))
                .addNode(softmax());
        return model(g);
    }

    /** {@code n} random windows [channels x steps], flattened, with labels from a seeded rule. */
    public static ValidationSet windows(int n, int channels, int steps, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][channels * steps];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4);
            double freq = 0.05 + 0.05 * y[i];
            for (int c = 0; c < channels; c++) {
                for (int t = 0; t < steps; t++) {
                    x[i][c * steps + t] = (float) (Math.sin(freq * t * (c + 1)) + 0.3 * r.nextGaussian());
                }
            }
        }
        return new ValidationSet(x, y);
    }

    static OnnxMl.ModelProto model(OnnxMl.GraphProto.Builder g) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("edgeloop-compiler-test")
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g)
                .build();
    }

    static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a =
                OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static float[] gaussian(Random r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }

    /** A float input [batch, dims...]. */
    public static OnnxMl.ValueInfoProto input(String name, long... dims) {
        return valueInfo(name, dims);
    }

    static OnnxMl.ValueInfoProto output(String name, long... dims) {
        return valueInfo(name, dims);
    }

    static OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(Tensors.FLOAT)
                                .setShape(shape)))
                .build();
    }

    /** Gaussian elimination with partial pivoting on {@code a = [A | B]} (A is d x d); the solution replaces B. */
    static void solve(double[][] a, int d) {
        int cols = a[0].length;
        for (int p = 0; p < d; p++) {
            int best = p;
            for (int i = p + 1; i < d; i++) {
                if (Math.abs(a[i][p]) > Math.abs(a[best][p])) {
                    best = i;
                }
            }
            double[] t = a[p];
            a[p] = a[best];
            a[best] = t;
            for (int i = 0; i < d; i++) {
                if (i != p) {
                    double factor = a[i][p] / a[p][p];
                    for (int j = p; j < cols; j++) {
                        a[i][j] -= factor * a[p][j];
                    }
                }
            }
        }
        for (int i = 0; i < d; i++) {
            double pivot = a[i][i];
            for (int j = 0; j < cols; j++) {
                a[i][j] /= pivot;
            }
        }
    }

    /** {@code y = x * w^T + b} (weights stored [out, in]). */
    static OnnxMl.NodeProto gemm(String name, String x, String w, String b, String y) {
        return Tensors.node("Gemm", name, List.of(x, w, b), List.of(y), Tensors.intAttribute("transB", 1));
    }

    /** Softmax over the classes: {@code logits -> probabilities}. */
    static OnnxMl.NodeProto softmax() {
        return Tensors.node(
                "Softmax", "softmax", List.of("logits"), List.of("probabilities"), Tensors.intAttribute("axis", 1));
    }

    /**
     * {@link #mlp} as one step of a recurrent model with an {@code int64} side input and two outputs: inputs
     * {@code features} [batch, F], {@code state} [batch, 16] and {@code step} [batch, 1] (int64); outputs
     * {@code probabilities} [batch, classes] (the MLP's, plus {@code state x wz}: unchanged at state 0) and
     * {@code state_out} [batch, 16] = {@code 0.5 * state + float(step) * k}.
     */
    public static OnnxMl.ModelProto recurrent(ValidationSet train, int hidden, int classes, long seed) {
        OnnxMl.ModelProto m = mlp(train, hidden, classes, seed);
        OnnxMl.GraphProto g = m.getGraph();
        Random r = new Random(seed + 1);
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Softmax")) {
                b.addNode(Tensors.node("MatMul", "state_scores", List.of("state", "wz"), List.of("sz")));
                b.addNode(Tensors.node("Add", "add_state", List.of("logits", "sz"), List.of("logits_s")));
                b.addNode(n.toBuilder().setInput(0, "logits_s"));
            } else {
                b.addNode(n);
            }
        }
        b.addNode(Tensors.node(
                "Cast", "step_float", List.of("step"), List.of("stepf"), Tensors.intAttribute("to", Tensors.FLOAT)));
        b.addNode(Tensors.node("Mul", "decay", List.of("state", "half"), List.of("decayed")));
        b.addNode(Tensors.node("Mul", "step_k", List.of("stepf", "k"), List.of("stepk")));
        b.addNode(Tensors.node("Add", "next_state", List.of("decayed", "stepk"), List.of("state_out")));
        b.addInitializer(Tensors.floatTensor("wz", new long[] {16, classes}, gaussian(r, 16 * classes, 0.1)));
        b.addInitializer(Tensors.floatTensor("half", new long[] {1}, new float[] {0.5f}));
        b.addInitializer(Tensors.floatTensor("k", new long[] {16}, gaussian(r, 16, 1)));
        b.addInput(input("state", 16));
        b.addInput(typed("step", Tensors.INT64, 1));
        b.addOutput(output("state_out", 16));
        return m.toBuilder().setGraph(b).build();
    }

    /** A 2D CNN on [channels, height, width] inputs (Conv 3x3, Relu, GlobalAveragePool, Flatten, Gemm, Softmax). */
    public static OnnxMl.ModelProto cnn2d(int channels, int height, int width, int filters, int classes, long seed) {
        Random r = new Random(seed);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("cnn2d")
                .addInput(input("images", channels, height, width))
                .addOutput(output("probabilities", classes))
                .addInitializer(Tensors.floatTensor(
                        "conv_w",
                        new long[] {filters, channels, 3, 3},
                        gaussian(r, filters * channels * 9, 1 / Math.sqrt(channels * 9))))
                .addInitializer(Tensors.floatTensor("conv_b", new long[] {filters}, gaussian(r, filters, 0.1)))
                .addInitializer(Tensors.floatTensor(
                        "dense_w", new long[] {classes, filters}, gaussian(r, classes * filters, 1)))
                .addInitializer(Tensors.floatTensor("dense_b", new long[] {classes}, gaussian(r, classes, 0.1)))
                .addNode(Tensors.node(
                        "Conv",
                        "conv",
                        List.of("images", "conv_w", "conv_b"),
                        List.of("c"),
                        ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(Tensors.node("Relu", "relu", List.of("c"), List.of("rc")))
                .addNode(Tensors.node("GlobalAveragePool", "gap", List.of("rc"), List.of("g")))
                .addNode(Tensors.node("Flatten", "flatten", List.of("g"), List.of("flat")))
                .addNode(gemm("dense", "flat", "dense_w", "dense_b", "logits"))
                .addNode(softmax());
        return model(g);
    }

    /** A regression model: one Gemm {@code inputs -> 1} (output {@code value} [batch, 1]), no Softmax. */
    public static OnnxMl.ModelProto regression(int inputs, long seed) {
        Random r = new Random(seed);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("regression")
                .addInput(input("features", inputs))
                .addOutput(output("value", 1))
                .addInitializer(Tensors.floatTensor("w", new long[] {1, inputs}, gaussian(r, inputs, 1)))
                .addInitializer(Tensors.floatTensor("b", new long[] {1}, new float[] {0.5f}))
                .addNode(gemm("gemm", "features", "w", "b", "value"));
        return model(g);
    }

    /** An input [batch, dims...] of ONNX element type {@code elemType}. */
    public static OnnxMl.ValueInfoProto typed(String name, int elemType, long... dims) {
        OnnxMl.ValueInfoProto v = valueInfo(name, dims);
        return v.toBuilder()
                .setType(v.getType().toBuilder()
                        .setTensorType(v.getType().getTensorType().toBuilder().setElemType(elemType)))
                .build();
    }
}
