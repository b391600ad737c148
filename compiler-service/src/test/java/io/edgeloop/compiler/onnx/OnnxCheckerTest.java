package io.edgeloop.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxCheckerTest {
    static final OnnxMl.ModelProto GOOD = TestGraphs.cnn1d(3, 32, 8, 4, 1);

    static void assertProblem(OnnxMl.ModelProto m, String expected) {
        List<String> p = OnnxChecker.check(m);
        assertTrue(p.stream().anyMatch(s -> s.contains(expected)), "expected '" + expected + "' in " + p);
    }

    @Test
    void wellFormedGraphsPass() {
        assertEquals(List.of(), OnnxChecker.check(GOOD));
        assertEquals(List.of(), OnnxChecker.check(TestGraphs.mlp(TestModels.data(1, 200), 8, 4, 1)));
    }

    @Test
    void aMissingOpsetIsRejected() {
        assertProblem(GOOD.toBuilder().clearOpsetImport().build(), "no default-domain opset");
        assertProblem(
                GOOD.toBuilder()
                        .setOpsetImport(0, GOOD.getOpsetImport(0).toBuilder().setVersion(99))
                        .build(),
                "outside");
    }

    @Test
    void anUndefinedInputIsRejected() {
        OnnxMl.GraphProto g = GOOD.getGraph();
        OnnxMl.GraphProto broken = g.toBuilder()
                .setNode(1, g.getNode(1).toBuilder().setInput(0, "nowhere"))
                .build();
        assertProblem(GOOD.toBuilder().setGraph(broken).build(), "input 'nowhere' is not defined before use");
        // nodes out of topological order
        OnnxMl.GraphProto swapped =
                g.toBuilder().setNode(0, g.getNode(1)).setNode(1, g.getNode(0)).build();
        assertProblem(GOOD.toBuilder().setGraph(swapped).build(), "is not defined before use");
    }

    @Test
    void aNodeWithoutItsDataInputIsMalformedWithoutNamingInternals() {
        OnnxMl.ModelProto gemm = TestGraphs.gemm(TestModels.FEATURES, TestModels.CLASSES, 3);
        OnnxMl.GraphProto g = gemm.getGraph();
        OnnxMl.GraphProto broken = g.toBuilder()
                .setNode(0, g.getNode(0).toBuilder().setInput(0, ""))
                .build();
        List<String> p = OnnxChecker.check(gemm.toBuilder().setGraph(broken).build());
        assertTrue(p.stream().anyMatch(s -> s.endsWith(ShapeInference.MALFORMED)), p.toString());
        assertTrue(p.stream().noneMatch(s -> s.contains("Exception") || s.contains("io.edgeloop")), p.toString());
        assertTrue(p.stream().noneMatch(s -> s.contains("Cannot invoke")), p.toString());
    }

    @Test
    void untypedOrShortInitializersAreRejected() {
        OnnxMl.GraphProto g = GOOD.getGraph();
        OnnxMl.TensorProto w = g.getInitializer(0);
        assertProblem(
                GOOD.toBuilder()
                        .setGraph(g.toBuilder().setInitializer(0, w.toBuilder().setDataType(0)))
                        .build(),
                "has no valid data_type");
        assertProblem(
                GOOD.toBuilder()
                        .setGraph(g.toBuilder().setInitializer(0, w.toBuilder().addDims(2)))
                        .build(),
                "values but its dims");
    }

    @Test
    void inconsistentShapesAndTypesAreRejected() {
        OnnxMl.GraphProto g = GOOD.getGraph();
        // dense weight [classes, filters] -> [classes, filters + 1]: the Gemm's K no longer matches
        int dense = 4;
        OnnxMl.TensorProto wd = g.getInitializer(dense);
        float[] values = new float[4 * 9];
        OnnxMl.TensorProto wider = Tensors.floatTensor(wd.getName(), new long[] {4, 9}, values);
        assertProblem(
                GOOD.toBuilder()
                        .setGraph(g.toBuilder().setInitializer(dense, wider))
                        .build(),
                "Gemm inner dimensions differ");
        // a DequantizeLinear whose zero point type differs from its input
        OnnxMl.GraphProto.Builder q = OnnxMl.GraphProto.newBuilder()
                .addInput(TestGraphs.input("x", 4))
                .addOutput(TestGraphs.input("y", 4))
                .addInitializer(Tensors.floatTensor("s", new long[0], new float[] {0.1f}))
                .addInitializer(Tensors.byteTensor("zp", new long[0], Tensors.UINT8, new byte[] {0}))
                .addInitializer(Tensors.byteTensor("zp8", new long[0], Tensors.INT8, new byte[] {0}))
                .addNode(Tensors.node("QuantizeLinear", "q", List.of("x", "s", "zp"), List.of("xq")))
                .addNode(Tensors.node("DequantizeLinear", "dq", List.of("xq", "s", "zp8"), List.of("y")));
        OnnxMl.ModelProto qm = GOOD.toBuilder().setGraph(q).build();
        assertProblem(qm, "zero point is type");
        // and the graph output must be produced
        assertProblem(
                GOOD.toBuilder()
                        .setGraph(g.toBuilder().setOutput(0, TestGraphs.input("ghost", 4)))
                        .build(),
                "graph output 'ghost' is never produced");
    }
}
