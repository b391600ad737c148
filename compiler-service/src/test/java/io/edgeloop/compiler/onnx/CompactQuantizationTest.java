package io.edgeloop.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactQuantizationTest {
    @TempDir
    Path dir;

    /** Features of one scale (means 0..2, std about 1) with labels from a linear rule: foldable standardization. */
    static ValidationSet sameScale(long seed, int n) {
        Random r = new Random(seed);
        float[][] x = new float[n][8];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 8; j++) {
                x[i][j] = (float) (0.25 * j + (1 + 0.05 * j) * r.nextGaussian());
            }
            for (int c = 0; c < TestModels.CLASSES; c++) {
                double s = x[i][c] - x[i][c + 4] + 0.3 * c;
                if (s > best) {
                    best = s;
                    y[i] = c;
                }
            }
        }
        return new ValidationSet(x, y);
    }

    static OnnxMl.ModelProto withMetadata(OnnxMl.ModelProto m) {
        return m.toBuilder()
                .setDocString("a classifier with a doc string that the int8 model drops")
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("class_labels")
                        .setValue("a,b,c,d"))
                .build();
    }

    static float maxAbsDiff(float[][] a, float[][] b) {
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                d = Math.max(d, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return d;
    }

    static Set<String> ops(OnnxMl.ModelProto m) {
        Set<String> ops = new HashSet<>();
        m.getGraph().getNodeList().forEach(n -> ops.add(n.getOpType()));
        return ops;
    }

    @Test
    void foldingTheStandardizationIntoTheFirstGemmKeepsTheOutputs() throws Exception {
        long[] dims = {TestModels.FEATURES};
        for (ValidationSet train : List.of(sameScale(1, 1500), TestModels.data(3, 1500))) {
            ValidationSet test = train == null
                    ? null
                    : new ValidationSet(Arrays.copyOf(train.features(), 500), Arrays.copyOf(train.labels(), 500));
            OnnxMl.ModelProto mlp = TestGraphs.mlp(train, 32, TestModels.CLASSES, 5);
            OnnxMl.ModelProto folded = StandardizationFolding.foldExact(mlp);
            assertTrue(
                    !ops(folded).contains("Sub") && !ops(folded).contains("Div"),
                    ops(folded).toString());
            assertEquals(List.of(), OnnxChecker.check(folded));
            assertEquals(mlp.getGraph().getNodeCount() - 2, folded.getGraph().getNodeCount());
            float[][] a = QuantizersTest.run(mlp.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
            float[][] b =
                    QuantizersTest.run(folded.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
            assertTrue(maxAbsDiff(a, b) <= 1e-4f, "max |diff| " + maxAbsDiff(a, b));
        }
        // the simulator's features range from 0.2 to 60 std: one int8 input scale would lose them, so no fold
        OnnxMl.ModelProto sim = TestGraphs.mlp(TestModels.data(3, 1500), 32, TestModels.CLASSES, 5);
        assertSame(sim, StandardizationFolding.fold(sim));
        OnnxMl.ModelProto same = TestGraphs.mlp(sameScale(1, 1500), 32, TestModels.CLASSES, 5);
        assertNotSame(same, StandardizationFolding.fold(same));
        // a padded Conv sees zeros of the standardized input: not exact, never folded
        assertTrue(StandardizationFolding.shouldFold(new float[] {0f, 1f}, new float[] {1f, 1.2f}));
        assertTrue(!StandardizationFolding.shouldFold(new float[] {0.5f, 66f}, new float[] {0.2f, 58f}));
    }

    @Test
    void foldedModelQuantizesToQGemmWithinTheBudget() throws Exception {
        ValidationSet train = sameScale(1, 2000);
        ValidationSet test = sameScale(2, 1000);
        OnnxMl.ModelProto mlp = withMetadata(TestGraphs.mlp(train, 32, TestModels.CLASSES, 5));
        Set<String> tensors = StaticQuantizer.activationsToCalibrate(mlp);
        // the raw input is quantized directly; h1 (pre-ReLU) is not calibrated: the ReLU folds into a1's quantization
        assertEquals(Set.of("features", "a1"), tensors);
        Map<String, float[]> ranges = new Calibrator(QuantizersTest.ENV, Calibrator.Method.MINMAX, 99.99)
                .ranges(mlp, tensors, Arrays.copyOf(train.features(), 500));
        OnnxMl.ModelProto q = StaticQuantizer.quantize(mlp, ranges, true).model();
        assertEquals(List.of(), OnnxChecker.check(q));
        assertTrue(!ops(q).contains("Sub") && !ops(q).contains("Div"));
        long[] dims = {TestModels.FEATURES};
        float[][] f = QuantizersTest.run(mlp.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
        float[][] i8 = QuantizersTest.run(q.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        double floatAcc = QuantizersTest.accuracy(f, test.labels());
        assertTrue(floatAcc > 0.7, "a real classifier: " + floatAcc);
        assertTrue(floatAcc - QuantizersTest.accuracy(i8, test.labels()) <= 0.01, "within 1 point");
        assertTrue(fusedOps(q.toByteArray()).contains("QGemm"));
    }

    @Test
    void smallMlpInt8FileIsCompactAndKeepsItsInterface() throws Exception {
        ValidationSet train = TestModels.data(3, 2000);
        ValidationSet test = TestModels.data(4, 500);
        OnnxMl.ModelProto mlp = withMetadata(TestGraphs.mlp(train, 64, TestModels.CLASSES, 5));
        Set<String> tensors = StaticQuantizer.activationsToCalibrate(mlp);
        Map<String, float[]> ranges = new Calibrator(QuantizersTest.ENV, Calibrator.Method.MINMAX, 99.99)
                .ranges(mlp, tensors, Arrays.copyOf(train.features(), 500));
        OnnxMl.ModelProto q = StaticQuantizer.quantize(mlp, ranges, true).model();
        assertEquals(List.of(), OnnxChecker.check(q));
        long floatBytes = mlp.getSerializedSize();
        long int8Bytes = q.getSerializedSize();
        long raw = q.getGraph().getInitializerList().stream()
                .mapToLong(t -> t.getRawData().size())
                .sum();
        // fixed costs (names, nodes, scalar scales) stay small next to the stored values
        assertTrue(int8Bytes - raw < 1100, "overhead " + (int8Bytes - raw) + " of " + int8Bytes);
        assertTrue((double) int8Bytes / floatBytes < 0.7, int8Bytes + " / " + floatBytes);
        // one per-channel zero point per channel count (both layers of 64 share it)
        assertEquals(
                2,
                q.getGraph().getInitializerList().stream()
                        .filter(t -> t.getDataType() == Tensors.INT8 && t.getDimsCount() == 1)
                        .count());
        for (OnnxMl.NodeProto n : q.getGraph().getNodeList()) {
            assertTrue(n.getName().isEmpty());
            n.getInputList().forEach(t -> assertTrue(t.length() <= 13 || t.equals("features"), t));
        }
        assertEquals("features", q.getGraph().getInput(0).getName());
        assertEquals("probabilities", q.getGraph().getOutput(0).getName());
        assertEquals(mlp.getMetadataPropsList(), q.getMetadataPropsList());
        assertTrue(q.getDocString().isEmpty());
        assertEquals(
                2,
                q.getGraph().getInitializerList().stream()
                        .filter(t -> t.getName().endsWith(StaticQuantizer.WEIGHT_SUFFIX))
                        .count());
        long[] dims = {TestModels.FEATURES};
        float[][] f = QuantizersTest.run(mlp.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.NO_OPT);
        float[][] i8 = QuantizersTest.run(q.toByteArray(), test, dims, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        assertTrue(QuantizersTest.agreement(f, i8) >= 0.98, "agreement " + QuantizersTest.agreement(f, i8));
        assertTrue(fusedOps(q.toByteArray()).contains("QGemm"));
    }

    Set<String> fusedOps(byte[] model) throws Exception {
        Path out = dir.resolve("fused-" + System.nanoTime() + ".onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setOptimizedModelFilePath(out.toString());
            try (OrtSession ignored = QuantizersTest.ENV.createSession(model, o)) {
                // writes the optimized graph
            }
        }
        return ops(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out)));
    }
}
