package io.edgeloop.compiler.testing;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.compiler.domain.ValidationSet;

/**
 * Builds small ONNX classifiers for the simulated vibration sensor with the ONNX protobuf schema: a linear
 * discriminant (class means over a shared per-feature variance, fitted on simulator readings) followed by Softmax.
 */
public final class TestModels {
    public static final int FEATURES = SensorSimulator.featureCount();
    public static final int CLASSES = SensorSimulator.LABELS.size();

    private TestModels() {}

    /** Weights [features][classes] and biases [classes] of a linear classifier. */
    public record Linear(float[][] weights, float[] bias) {
        /** A copy with two class columns swapped: a deliberately broken model. */
        public Linear swapClasses(int a, int b) {
            float[][] w = new float[weights.length][];
            for (int f = 0; f < w.length; f++) {
                w[f] = weights[f].clone();
                w[f][a] = weights[f][b];
                w[f][b] = weights[f][a];
            }
            float[] bb = bias.clone();
            bb[a] = bias[b];
            bb[b] = bias[a];
            return new Linear(w, bb);
        }
    }

    /** Fits linear discriminant weights on {@code n} simulator readings. */
    public static Linear fit(long seed, int n) {
        SensorSimulator sim = new SensorSimulator(seed);
        double[][] sum = new double[CLASSES][FEATURES];
        int[] count = new int[CLASSES];
        float[][] xs = new float[n][];
        int[] ys = new int[n];
        for (int i = 0; i < n; i++) {
            var r = sim.next();
            xs[i] = r.features();
            ys[i] = r.labelIndex();
            count[ys[i]]++;
            for (int f = 0; f < FEATURES; f++) {
                sum[ys[i]][f] += xs[i][f];
            }
        }
        double[][] mean = new double[CLASSES][FEATURES];
        for (int c = 0; c < CLASSES; c++) {
            for (int f = 0; f < FEATURES; f++) {
                mean[c][f] = sum[c][f] / count[c];
            }
        }
        double[] var = new double[FEATURES];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < FEATURES; f++) {
                double d = xs[i][f] - mean[ys[i]][f];
                var[f] += d * d / n;
            }
        }
        float[][] w = new float[FEATURES][CLASSES];
        float[] b = new float[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            double bias = 0;
            for (int f = 0; f < FEATURES; f++) {
                w[f][c] = (float) (mean[c][f] / var[f]);
                bias -= 0.5 * mean[c][f] * mean[c][f] / var[f];
            }
            b[c] = (float) bias;
        }
        return new Linear(w, b);
    }

    /** {@code n} labelled readings. */
    public static ValidationSet data(long seed, int n) {
        SensorSimulator sim = new SensorSimulator(seed);
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            var r = sim.next();
            x[i] = r.features();
            y[i] = r.labelIndex();
        }
        return new ValidationSet(x, y);
    }

    /** Gemm + Softmax: input {@code features} [batch, 8], output {@code probabilities} [batch, 4]. */
    public static byte[] gemmSoftmax(Linear m) {
        return model(m, false);
    }

    /** MatMul + Add + Softmax: the same function, in a form ONNX Runtime fuses into a Gemm. */
    public static byte[] matMulAddSoftmax(Linear m) {
        return model(m, true);
    }

    private static byte[] model(Linear m, boolean unfused) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("sensor-classifier")
                .addInput(valueInfo("features", FEATURES))
                .addOutput(valueInfo("probabilities", CLASSES))
                .addInitializer(tensor("W", m.weights()))
                .addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("B")
                        .addDims(CLASSES)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .addAllFloatData(boxed(m.bias())));
        if (unfused) {
            g.addNode(node("MatMul", "matmul", new String[] {"features", "W"}, "xw"));
            g.addNode(node("Add", "add", new String[] {"xw", "B"}, "logits"));
        } else {
            g.addNode(node("Gemm", "gemm", new String[] {"features", "W", "B"}, "logits"));
        }
        g.addNode(node("Softmax", "softmax", new String[] {"logits"}, "probabilities").toBuilder()
                .addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("axis")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(1)));
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("edgeloop-compiler-test")
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g)
                .build()
                .toByteArray();
    }

    private static OnnxMl.NodeProto node(String op, String name, String[] inputs, String output) {
        OnnxMl.NodeProto.Builder n =
                OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, int width) {
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("batch"))
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(width)))))
                .build();
    }

    private static OnnxMl.TensorProto tensor(String name, float[][] values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .addDims(values.length)
                .addDims(values[0].length)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (float[] row : values) {
            t.addAllFloatData(boxed(row));
        }
        return t.build();
    }

    private static java.util.List<Float> boxed(float[] values) {
        java.util.List<Float> l = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            l.add(v);
        }
        return l;
    }
}
