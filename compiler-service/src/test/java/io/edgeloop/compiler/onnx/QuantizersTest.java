package io.edgeloop.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizersTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    static float[][] run(byte[] model, ValidationSet data, long[] sampleDims, OrtSession.SessionOptions.OptLevel level)
            throws Exception {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(level);
            o.setIntraOpNumThreads(1);
            try (OrtSession s = ENV.createSession(model, o)) {
                int n = data.size();
                int f = data.featureCount();
                FloatBuffer buf = FloatBuffer.allocate(n * f);
                for (float[] x : data.features()) {
                    buf.put(x);
                }
                buf.flip();
                long[] shape = new long[sampleDims.length + 1];
                shape[0] = n;
                System.arraycopy(sampleDims, 0, shape, 1, sampleDims.length);
                try (OnnxTensor t = OnnxTensor.createTensor(ENV, buf, shape);
                        OrtSession.Result r =
                                s.run(Map.of(s.getInputNames().iterator().next(), t))) {
                    return (float[][]) r.get(0).getValue();
                }
            }
        }
    }

    /** Op types (with domain) of the graph ONNX Runtime makes of {@code model} at ALL_OPT. */
    Set<String> fusedOps(byte[] model) throws Exception {
        Path out = dir.resolve("fused-" + System.nanoTime() + ".onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setOptimizedModelFilePath(out.toString());
            try (OrtSession ignored = ENV.createSession(model, o)) {
                // writes the optimized graph
            }
        }
        Set<String> ops = new HashSet<>();
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out))
                .getGraph()
                .getNodeList()
                .forEach(n -> ops.add(n.getOpType()));
        return ops;
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[b]) {
                b = i;
            }
        }
        return b;
    }

    static double agreement(float[][] a, float[][] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            if (argmax(a[i]) == argmax(b[i])) {
                same++;
            }
        }
        return (double) same / a.length;
    }

    static double accuracy(float[][] out, int[] labels) {
        int ok = 0;
        for (int i = 0; i < out.length; i++) {
            if (argmax(out[i]) == labels[i]) {
                ok++;
            }
        }
        return (double) ok / out.length;
    }

    @Test
    void activationRoundTripErrorIsAtMostHalfAStepAndZeroIsExact() {
        for (boolean unsigned : new boolean[] {true, false}) {
            QuantMath.Params p = QuantMath.activation(-1.5f, 4.0f, unsigned);
            assertEquals(5.5f / 255f, p.scale(), 1e-7f);
            assertEquals(0f, QuantMath.dequantize(QuantMath.quantize(0f, p, unsigned), p), 0f, "0 is exact");
            for (float x = -1.5f; x <= 4.0f; x += 0.001f) {
                float back = QuantMath.dequantize(QuantMath.quantize(x, p, unsigned), p);
                assertTrue(Math.abs(back - x) <= p.scale() / 2 + 1e-6f, x + " -> " + back);
            }
            // outside the range values saturate
            assertEquals(unsigned ? 255 : 127, QuantMath.quantize(100f, p, unsigned));
        }
        // a range that excludes 0 is widened to include it
        QuantMath.Params relu = QuantMath.activation(0.5f, 2.55f, true);
        assertEquals(0, relu.zeroPoint());
        assertEquals(0.01f, relu.scale(), 1e-7f);
    }

    @Test
    void perChannelWeightScalesFollowEachChannelsRange() {
        // [out=2, in=3] with transB=1 layout: channel 0 large, channel 1 small
        float[] w = {1.27f, -0.5f, 0.2f, 0.0127f, -0.005f, 0.001f};
        long[] dims = {2, 3};
        float[] scales = QuantMath.perChannelScales(w, dims, 0);
        assertEquals(0.01f, scales[0], 1e-7f);
        assertEquals(0.0001f, scales[1], 1e-9f);
        byte[] q = QuantMath.quantizeWeights(w, dims, 0, scales);
        assertEquals(127, q[0]);
        assertEquals(127, q[3]);
        for (int i = 0; i < w.length; i++) {
            float back = q[i] * scales[i / 3];
            assertTrue(Math.abs(back - w[i]) <= scales[i / 3] / 2 + 1e-7f, i + ": " + back + " vs " + w[i]);
        }
        // along axis 1 ([in, out] layout) the channels are the columns
        float[] cols = QuantMath.perChannelScales(new float[] {1f, 0.1f, -2f, 0.05f}, new long[] {2, 2}, 1);
        assertEquals(2f / 127f, cols[0], 1e-7f);
        assertEquals(0.1f / 127f, cols[1], 1e-7f);
        // an all-zero channel gets a usable scale
        assertEquals(1f, QuantMath.perChannelScales(new float[] {0f, 0f}, new long[] {1, 2}, 0)[0]);
    }

    @Test
    void biasesAreInt32WithScaleInputTimesWeightScale() {
        float inputScale = 0.02f;
        float[] weightScales = {0.01f, 0.0001f};
        float[] bias = {0.5f, -0.0031f};
        int[] q = QuantMath.quantizeBias(bias, inputScale, weightScales);
        float[] s = QuantMath.biasScales(inputScale, weightScales);
        assertEquals(0.0002f, s[0], 1e-9f);
        assertEquals(2500, q[0]);
        assertEquals(-1550, q[1]);
        for (int c = 0; c < bias.length; c++) {
            assertTrue(Math.abs(q[c] * s[c] - bias[c]) <= s[c] / 2 + 1e-9f);
        }
    }

    @Test
    void staticQdqMlpStaysWithinTheBudgetAndOrtFusesItIntoQGemm() throws Exception {
        ValidationSet train = TestModels.data(3, 2000);
        ValidationSet test = TestModels.data(4, 1000);
        OnnxMl.ModelProto mlp = TestGraphs.mlp(train, 32, TestModels.CLASSES, 5);
        Set<String> tensors = StaticQuantizer.activationsToCalibrate(mlp);
        // the Gemm inputs are quantized; the logits feeding Softmax and the raw input feeding Sub stay float, and the
        // hidden Gemm output h1 is quantized with its ReLU's range (the ReLU is folded), so it is not calibrated
        assertEquals(Set.of("normalized", "a1"), tensors);
        Map<String, float[]> ranges = new Calibrator(ENV, Calibrator.Method.MINMAX, 99.99)
                .ranges(mlp, tensors, Arrays.copyOf(train.features(), 500));
        StaticQuantizer.Result q = StaticQuantizer.quantize(mlp, ranges, true);
        assertEquals(2, q.quantizedNodes());
        assertEquals(List.of(), OnnxChecker.check(q.model()));
        assertEquals(13, Tensors.defaultOpset(q.model()));
        long int8Weights = q.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == Tensors.INT8 && t.getDimsCount() == 2)
                .count();
        assertEquals(2, int8Weights, "both Gemm weights stored as int8");
        assertTrue(
                q.model().getGraph().getInitializerList().stream()
                        .anyMatch(t -> t.getDataType() == Tensors.INT32 && t.getDims(0) == 32),
                "int32 hidden bias");
        List<String> ops = q.model().getGraph().getNodeList().stream()
                .map(OnnxMl.NodeProto::getOpType)
                .toList();
        assertFalse(ops.contains("Relu"), "the ReLU is folded into the quantization of the Gemm output: " + ops);
        // bias scales are input_scale * weight_scale computed by a Mul, not stored: the 1-D float tensors are the
        // input mean and std (Sub/Div) and one weight scale tensor per Gemm
        assertEquals(2, ops.stream().filter("Mul"::equals).count());
        assertEquals(
                2 + 2,
                q.model().getGraph().getInitializerList().stream()
                        .filter(t -> t.getDataType() == Tensors.FLOAT && t.getDimsCount() == 1)
                        .count());
        long[] dims = {TestModels.FEATURES};
        float[][] f = run(mlp.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
        float[][] i8 = run(q.model().toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        double floatAcc = accuracy(f, test.labels());
        assertTrue(floatAcc > 0.9, "the fitted MLP is a real classifier: " + floatAcc);
        assertTrue(floatAcc - accuracy(i8, test.labels()) <= 0.01, "within 1 point");
        assertTrue(agreement(f, i8) >= 0.98, "agreement " + agreement(f, i8));
        assertTrue(fusedOps(q.model().toByteArray()).contains("QGemm"));
    }

    @Test
    void staticQdqCnnRunsAsQLinearConvAndPercentileCalibrationClipsOutliers() throws Exception {
        OnnxMl.ModelProto cnn = TestGraphs.cnn1d(3, 64, 16, 4, 7);
        ValidationSet data = TestGraphs.windows(300, 3, 64, 8);
        Set<String> tensors = StaticQuantizer.activationsToCalibrate(cnn);
        assertTrue(tensors.containsAll(List.of("windows", "r1", "p1", "r2", "g", "flat")), tensors.toString());
        assertFalse(tensors.contains("c1") || tensors.contains("c2"), "conv outputs take their ReLU's range");
        Map<String, float[]> minMax =
                new Calibrator(ENV, Calibrator.Method.MINMAX, 99.99).ranges(cnn, tensors, data.features());
        Map<String, float[]> pct =
                new Calibrator(ENV, Calibrator.Method.PERCENTILE, 99.0).ranges(cnn, tensors, data.features());
        for (String t : tensors) {
            assertTrue(pct.get(t)[0] >= minMax.get(t)[0] && pct.get(t)[1] <= minMax.get(t)[1], t);
        }
        assertTrue(pct.get("windows")[1] < minMax.get("windows")[1], "the 99th percentile cuts the noise tail");
        StaticQuantizer.Result q = StaticQuantizer.quantize(cnn, minMax, true);
        assertEquals(3, q.quantizedNodes());
        assertEquals(List.of(), OnnxChecker.check(q.model()));
        long[] dims = {3, 64};
        float[][] f = run(cnn.toByteArray(), data, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
        float[][] i8 = run(q.model().toByteArray(), data, dims, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        assertTrue(agreement(f, i8) >= 0.95, "agreement " + agreement(f, i8));
        Set<String> ops = fusedOps(q.model().toByteArray());
        assertTrue(ops.containsAll(List.of("QLinearConv", "QGemm")), ops.toString());
        // int8 activations work too
        StaticQuantizer.Result s8 = StaticQuantizer.quantize(cnn, minMax, false);
        float[][] i8s = run(s8.model().toByteArray(), data, dims, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        assertTrue(agreement(f, i8s) >= 0.95, "int8 activations agreement " + agreement(f, i8s));
    }

    @Test
    void dynamicQuantizationUsesIntegerMatMulAndAgrees() throws Exception {
        ValidationSet train = TestModels.data(3, 2000);
        ValidationSet test = TestModels.data(4, 1000);
        OnnxMl.ModelProto mlp = TestGraphs.mlp(train, 32, TestModels.CLASSES, 5);
        DynamicQuantizer.Result d = DynamicQuantizer.quantize(mlp);
        assertEquals(2, d.quantizedNodes());
        assertEquals(List.of(), OnnxChecker.check(d.model()));
        long[] dims = {TestModels.FEATURES};
        float[][] f = run(mlp.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
        float[][] dy = run(d.model().toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        assertTrue(agreement(f, dy) >= 0.98, "agreement " + agreement(f, dy));
        assertTrue(fusedOps(d.model().toByteArray()).contains("DynamicQuantizeMatMul"));
        OnnxMl.ModelProto cnn = TestGraphs.cnn1d(3, 64, 16, 4, 7);
        DynamicQuantizer.Result dc = DynamicQuantizer.quantize(cnn);
        assertEquals(3, dc.quantizedNodes());
        assertEquals(List.of(), OnnxChecker.check(dc.model()));
    }

    @Test
    void dynamicQuantizationRunsConvAsConvIntegerAndAgrees() throws Exception {
        OnnxMl.ModelProto cnn = TestGraphs.cnn1d(3, 64, 16, 4, 7);
        ValidationSet data = TestGraphs.windows(500, 3, 64, 9);
        DynamicQuantizer.Result d = DynamicQuantizer.quantize(cnn);
        assertEquals(3, d.quantizedNodes());
        assertEquals(List.of(), OnnxChecker.check(d.model()));
        OnnxMl.GraphProto g = d.model().getGraph();
        List<OnnxMl.NodeProto> convs = g.getNodeList().stream()
                .filter(n -> n.getOpType().equals("ConvInteger"))
                .toList();
        assertEquals(2, convs.size(), "both Conv run as ConvInteger");
        assertTrue(g.getNodeList().stream().noneMatch(n -> n.getOpType().equals("Conv")));
        assertTrue(g.getNodeList().stream().noneMatch(n -> n.getOpType().equals("DequantizeLinear")));
        // the Conv attributes are kept
        OnnxMl.NodeProto conv1 = convs.get(0);
        assertArrayEquals(new long[] {5}, Tensors.intsAttr(conv1, "kernel_shape"));
        assertArrayEquals(new long[] {2, 2}, Tensors.intsAttr(conv1, "pads"));
        // uint8 weights (int8 symmetric + 128) with the scalar zero point 128 ONNX Runtime's CPU kernel needs
        Map<String, OnnxMl.TensorProto> init = StaticQuantizer.initializers(g);
        OnnxMl.TensorProto w = init.get(conv1.getInput(1));
        assertEquals(Tensors.UINT8, w.getDataType());
        assertArrayEquals(new long[] {16, 3, 5}, Tensors.dims(w));
        OnnxMl.TensorProto wzp = init.get(conv1.getInput(3));
        assertEquals(Tensors.UINT8, wzp.getDataType());
        assertEquals(0, wzp.getDimsCount());
        assertEquals(128, Tensors.bytes(wzp)[0] & 0xff);
        assertTrue(!init.containsKey("conv1_w") && !init.containsKey("conv1_b"), "float Conv weights are dropped");
        long[] dims = {3, 64};
        float[][] f = run(cnn.toByteArray(), data, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
        for (OrtSession.SessionOptions.OptLevel level :
                List.of(OrtSession.SessionOptions.OptLevel.NO_OPT, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            float[][] dy = run(d.model().toByteArray(), data, dims, level);
            assertTrue(agreement(f, dy) >= 0.98, level + " agreement " + agreement(f, dy));
            double maxDiff = 0;
            for (int i = 0; i < f.length; i++) {
                for (int c = 0; c < f[i].length; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(f[i][c] - dy[i][c]));
                }
            }
            assertTrue(maxDiff < 0.01, level + " max |difference| of the probabilities " + maxDiff);
        }
    }

    @Test
    void magnitudePruningZeroesTheSmallestWeightsPerLayer() {
        float[] pruned = MagnitudePruner.prune(new float[] {0.1f, -3f, 0.05f, 2f, -0.2f, 1f}, 0.5);
        assertArrayEquals(new float[] {0f, -3f, 0f, 2f, 0f, 1f}, pruned);
        OnnxMl.ModelProto cnn = TestGraphs.cnn1d(3, 64, 16, 4, 7);
        MagnitudePruner.Result r = MagnitudePruner.prune(cnn, 0.5);
        assertEquals(0.5, r.sparsity(), 0.01);
        assertEquals(List.of(), OnnxChecker.check(r.model()));
        // biases are untouched
        OnnxMl.TensorProto bias = r.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("conv1_b"))
                .findFirst()
                .orElseThrow();
        assertTrue(Arrays.stream(box(Tensors.floats(bias))).noneMatch(v -> v == 0f));
    }

    static Float[] box(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }
}
