package io.edgeloop.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.testing.RecurrentFixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A GRU model exported by training-service (ONNX {@code GRU}, see {@link RecurrentFixtures}): shape inference and the
 * device estimate go through the recurrent node; the int8 quantizers quantize the dense head only and leave the GRU
 * float, and the variants still classify.
 */
class RecurrentQuantizationTest {
    private static final long[] DIMS = {RecurrentFixtures.CHANNELS, RecurrentFixtures.STEPS};

    @Test
    void shapesAndMacsAreInferredThroughTheGru() throws Exception {
        OnnxMl.ModelProto m = RecurrentFixtures.model();
        assertEquals(List.of(), OnnxChecker.check(m));
        ShapeInference.Result shapes = ShapeInference.infer(m.getGraph());
        assertEquals(List.of(), shapes.errors());
        assertTrue(shapes.tensors().values().stream().allMatch(i -> i.shape() != null), "every shape inferred");
        NodeProto gru = node(m, "GRU");
        assertEquals(
                List.of(48L, 1L, 1L, 16L),
                boxed(shapes.tensors().get(gru.getOutput(0)).shape()));
        // GRU: 48 steps x 3 gates x 16 x (2 inputs + 16 state); head: 16 x 3
        assertEquals(48L * 3 * 16 * (2 + 16) + 16 * 3, shapes.macs());
        DeviceEstimate e = DeviceEstimator.estimate(m.getGraph(), 0, 1000, TargetProfile.CPU_FP32);
        assertTrue(e.shapesComplete());
        assertEquals(shapes.macs(), e.macs());
    }

    @Test
    void dynamicInt8QuantizesTheHeadAndKeepsTheGruFloat() throws Exception {
        OnnxMl.ModelProto m = RecurrentFixtures.model();
        DynamicQuantizer.Result q = DynamicQuantizer.quantize(m);
        assertEquals(1, q.quantizedNodes(), "only the dense head");
        assertEquals(List.of(), OnnxChecker.check(q.model()));
        assertGruUnchanged(m, q.model());
        assertClassifies(m, q.model());
    }

    @Test
    void staticInt8QuantizesTheHeadAndKeepsTheGruFloat() throws Exception {
        OnnxMl.ModelProto m = RecurrentFixtures.model();
        Set<String> tensors = StaticQuantizer.activationsToCalibrate(m);
        ValidationSet calibration = RecurrentFixtures.windows(5, 150);
        Map<String, float[]> ranges = new Calibrator(QuantizersTest.ENV, Calibrator.Method.MINMAX, 99.99)
                .ranges(m, tensors, calibration.features());
        StaticQuantizer.Result q = StaticQuantizer.quantize(m, ranges, true);
        assertEquals(1, q.quantizedNodes(), "only the dense head");
        assertEquals(List.of(), OnnxChecker.check(q.model()));
        assertGruUnchanged(m, q.model());
        assertClassifies(m, q.model());
    }

    private static void assertGruUnchanged(OnnxMl.ModelProto original, OnnxMl.ModelProto variant) {
        NodeProto before = node(original, "GRU");
        NodeProto after = node(variant, "GRU");
        assertEquals(before.getAttributeList(), after.getAttributeList());
        Map<String, OnnxMl.TensorProto> init0 = StaticQuantizer.initializers(original.getGraph());
        Map<String, OnnxMl.TensorProto> init1 = StaticQuantizer.initializers(variant.getGraph());
        for (int i = 1; i < before.getInputCount(); i++) {
            OnnxMl.TensorProto w = init1.get(after.getInput(i));
            assertTrue(w != null && w.getDataType() == Tensors.FLOAT, "GRU input " + i + " stays a float constant");
            assertEquals(init0.get(before.getInput(i)).getRawData(), w.getRawData());
        }
    }

    private static void assertClassifies(OnnxMl.ModelProto floatModel, OnnxMl.ModelProto int8) throws Exception {
        ValidationSet test = RecurrentFixtures.windows(9, 150);
        float[][] fp = QuantizersTest.run(floatModel.toByteArray(), test, DIMS, OptLevel.NO_OPT);
        float[][] i8 = QuantizersTest.run(int8.toByteArray(), test, DIMS, OptLevel.ALL_OPT);
        double floatAccuracy = QuantizersTest.accuracy(fp, test.labels());
        double int8Accuracy = QuantizersTest.accuracy(i8, test.labels());
        assertTrue(floatAccuracy >= 0.9, "float accuracy " + floatAccuracy);
        assertTrue(int8Accuracy >= floatAccuracy - 0.02, "int8 " + int8Accuracy + " vs float " + floatAccuracy);
        assertTrue(QuantizersTest.agreement(fp, i8) >= 0.97, "argmax agreement");
    }

    private static NodeProto node(OnnxMl.ModelProto m, String op) {
        return m.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals(op))
                .findFirst()
                .orElseThrow();
    }

    private static List<Long> boxed(long[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}
