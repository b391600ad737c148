package io.edgeloop.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtSession;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.testing.ImpulseFixtures;
import io.edgeloop.compiler.testing.ImpulseFixtures.Fixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models with a processing block at the front (impulses exported by training-service, test resources {@code
 * impulse/*.onnx}, written by its {@code ImpulseFixtureWriter}): raw windows in, DSP nodes named {@code impulse/...},
 * then the network. The quantizers and the pruner must leave the processing block float and still produce variants
 * that classify raw windows; shape inference and the device estimate must cover the block.
 */
class ImpulseQuantizationTest {
    static final Fixture SPECTRAL = ImpulseFixtures.SPECTRAL;
    static final Fixture MFCC = ImpulseFixtures.MFCC;

    static Stream<Arguments> fixtures() {
        return Stream.of(Arguments.of("spectral", SPECTRAL), Arguments.of("mfcc", MFCC));
    }

    @Test
    void shapesAreInferredThroughTheBlockAndTheEstimateCountsItsCost() throws Exception {
        OnnxMl.ModelProto m = SPECTRAL.model();
        assertEquals(List.of(), OnnxChecker.check(m));
        ShapeInference.Result shapes = ShapeInference.infer(m.getGraph());
        assertEquals(List.of(), shapes.errors());
        assertTrue(shapes.tensors().values().stream().allMatch(i -> i.shape() != null), "every shape inferred");
        assertEquals(
                List.of(1L, 33L),
                boxed(shapes.tensors().get("impulse/network_input").shape()));
        long block = 0;
        for (int i = 0; i < m.getGraph().getNodeCount(); i++) {
            if (StaticQuantizer.isProcessing(m.getGraph().getNode(i))) {
                block += shapes.nodeMacs()[i];
            }
        }
        // DFT: 3 axes x 130 (cos and sin of 65 bins) x 128 samples; bands: 3 x 8 x 130; network: 33x16 + 16x4
        assertEquals(3 * 130 * 128 + 3 * 8 * 130, block);
        assertEquals(block + 33 * 16 + 16 * 4, shapes.macs());
        DeviceEstimate e = DeviceEstimator.estimate(m.getGraph(), 0, 1000, TargetProfile.CPU_FP32);
        assertTrue(e.shapesComplete());
        assertEquals(shapes.macs(), e.macs());

        ShapeInference.Result mfcc = ShapeInference.infer(MFCC.model().getGraph());
        assertEquals(List.of(), mfcc.errors());
        assertEquals(
                List.of(1L, 12L, 7L),
                boxed(mfcc.tensors().get("impulse/network_input").shape()));
        assertTrue(mfcc.tensors().values().stream().allMatch(i -> i.shape() != null), "every shape inferred");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void dynamicInt8LeavesTheBlockFloatAndClassifiesRawWindows(String name, Fixture f) throws Exception {
        OnnxMl.ModelProto m = f.model();
        DynamicQuantizer.Result q = DynamicQuantizer.quantize(m);
        assertEquals(f.layers(), q.quantizedNodes(), "only the network's layers");
        assertEquals(List.of(), OnnxChecker.check(q.model()));
        assertBlockUnchanged(m, q.model());
        assertClassifiesRawWindows(f, m, q.model());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void staticInt8LeavesTheBlockFloatAndClassifiesRawWindows(String name, Fixture f) throws Exception {
        OnnxMl.ModelProto m = f.model();
        Set<String> tensors = StaticQuantizer.activationsToCalibrate(m);
        Set<String> blockTensors = blockTensors(m);
        assertFalse(tensors.isEmpty());
        assertTrue(tensors.stream().noneMatch(blockTensors::contains), "no block tensor calibrated: " + tensors);
        ValidationSet calibration = f.windows(5, 200);
        Map<String, float[]> ranges = new Calibrator(QuantizersTest.ENV, Calibrator.Method.MINMAX, 99.99)
                .ranges(m, tensors, calibration.features());
        StaticQuantizer.Result q = StaticQuantizer.quantize(m, ranges, true);
        assertEquals(f.layers(), q.quantizedNodes(), "only the network's layers");
        assertEquals(List.of(), OnnxChecker.check(q.model()));
        assertBlockUnchanged(m, q.model());
        assertClassifiesRawWindows(f, m, q.model());
    }

    @Test
    void pruningLeavesTheBlockConstantsAlone() throws Exception {
        OnnxMl.ModelProto m = SPECTRAL.model();
        OnnxMl.ModelProto pruned = MagnitudePruner.prune(m, 0.5).model();
        assertBlockUnchanged(m, pruned);
        Map<String, TensorProto> before = StaticQuantizer.initializers(m.getGraph());
        Map<String, TensorProto> after = StaticQuantizer.initializers(pruned.getGraph());
        assertFalse(before.get("dense0_weight").equals(after.get("dense0_weight")), "the network is pruned");
    }

    /**
     * Every processing node of {@code original} is in {@code variant} under its name with the same operator and
     * attributes, its constant inputs have the same float/int64 values, and no input of it comes from a
     * DequantizeLinear (nothing of the block was quantized).
     */
    static void assertBlockUnchanged(OnnxMl.ModelProto original, OnnxMl.ModelProto variant) {
        Map<String, TensorProto> init0 = StaticQuantizer.initializers(original.getGraph());
        Map<String, TensorProto> init1 = StaticQuantizer.initializers(variant.getGraph());
        Map<String, NodeProto> byName = new HashMap<>();
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : variant.getGraph().getNodeList()) {
            byName.put(n.getName(), n);
            n.getOutputList().forEach(o -> producers.put(o, n));
        }
        List<NodeProto> block = original.getGraph().getNodeList().stream()
                .filter(StaticQuantizer::isProcessing)
                .toList();
        assertFalse(block.isEmpty());
        for (NodeProto n : block) {
            NodeProto v = byName.get(n.getName());
            assertTrue(v != null, "node " + n.getName() + " kept");
            assertEquals(n.getOpType(), v.getOpType());
            assertEquals(n.getAttributeList(), v.getAttributeList());
            for (int i = 0; i < n.getInputCount(); i++) {
                TensorProto c = init0.get(n.getInput(i));
                NodeProto producer = producers.get(v.getInput(i));
                assertFalse(
                        producer != null && producer.getOpType().equals("DequantizeLinear"),
                        n.getName() + " reads a dequantized tensor");
                if (c != null) {
                    TensorProto d = init1.get(v.getInput(i));
                    assertTrue(d != null, n.getName() + " input " + i + " stays a constant");
                    assertEquals(c.getDataType(), d.getDataType(), n.getName() + " input " + i + " type");
                    assertEquals(c.getRawData(), d.getRawData(), n.getName() + " input " + i + " values");
                }
            }
        }
    }

    private static Set<String> blockTensors(OnnxMl.ModelProto m) {
        Set<String> out = new java.util.HashSet<>();
        m.getGraph().getNodeList().stream()
                .filter(StaticQuantizer::isProcessing)
                .forEach(n -> {
                    out.addAll(n.getInputList());
                    out.addAll(n.getOutputList());
                });
        return out;
    }

    private static void assertClassifiesRawWindows(Fixture f, OnnxMl.ModelProto floatModel, OnnxMl.ModelProto int8)
            throws Exception {
        ValidationSet test = f.windows(9, 200);
        float[][] fp =
                QuantizersTest.run(floatModel.toByteArray(), test, f.dims(), OrtSession.SessionOptions.OptLevel.NO_OPT);
        float[][] i8 =
                QuantizersTest.run(int8.toByteArray(), test, f.dims(), OrtSession.SessionOptions.OptLevel.ALL_OPT);
        double floatAccuracy = QuantizersTest.accuracy(fp, test.labels());
        double int8Accuracy = QuantizersTest.accuracy(i8, test.labels());
        assertTrue(floatAccuracy >= 0.9, "float accuracy on raw windows " + floatAccuracy);
        assertTrue(int8Accuracy >= floatAccuracy - 0.02, "int8 " + int8Accuracy + " vs float " + floatAccuracy);
        assertTrue(QuantizersTest.agreement(fp, i8) >= 0.97, "argmax agreement");
    }

    private static List<Long> boxed(long[] v) {
        List<Long> out = new ArrayList<>();
        Arrays.stream(v).forEach(out::add);
        return out;
    }
}
