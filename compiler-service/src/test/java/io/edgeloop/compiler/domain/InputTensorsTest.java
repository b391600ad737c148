package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.onnx.Tensors;
import io.edgeloop.compiler.testing.TestGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs of other datatypes than float32, fed in process and in the isolated probe's child. */
class InputTensorsTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    /** {@code out = Concat(float(x), float(flag), float(u8))}: x fp16 [batch, 2], flag bool and u8 uint8 [batch, 1]. */
    static OnnxMl.ModelProto castConcat() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("types")
                .addInput(TestGraphs.typed("x", OnnxMl.TensorProto.DataType.FLOAT16_VALUE, 2))
                .addInput(TestGraphs.typed("flag", OnnxMl.TensorProto.DataType.BOOL_VALUE, 1))
                .addInput(TestGraphs.typed("u8", Tensors.UINT8, 1))
                .addOutput(TestGraphs.typed("out", Tensors.FLOAT, 4))
                .addNode(Tensors.node("Cast", "cx", List.of("x"), List.of("fx"), Tensors.intAttribute("to", 1)))
                .addNode(Tensors.node("Cast", "cf", List.of("flag"), List.of("ff"), Tensors.intAttribute("to", 1)))
                .addNode(Tensors.node("Cast", "cu", List.of("u8"), List.of("fu"), Tensors.intAttribute("to", 1)))
                .addNode(Tensors.node(
                        "Concat", "cat", List.of("fx", "ff", "fu"), List.of("out"), Tensors.intAttribute("axis", 1)));
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g)
                .build();
    }

    @Test
    void float16BoolAndUint8InputsAreFilledInProcessAndInTheProbe() throws Exception {
        Path model = dir.resolve("types.onnx");
        Files.write(model, castConcat().toByteArray());
        ValidationSet data = new ValidationSet(new float[][] {{0.5f, -2f}, {1.25f, 3f}, {-0.125f, 65504f}}, new int[3]);
        ModelIo io = new ModelIo("x", ModelIo.NO_SCORES, Map.of("flag", 1.0, "u8", 200.0));

        ModelEvaluation e =
                new ModelEvaluator(ENV, 1, 2, 0, 1, false).evaluate(model, data, OptLevel.NO_OPT, false, io, 0);

        assertFalse(e.classification());
        assertEquals("out", e.outputName());
        assertArrayEquals(new float[] {0.5f, -2f, 1f, 200f}, e.outputs()[0]);
        assertArrayEquals(new float[] {1.25f, 3f, 1f, 200f}, e.outputs()[1]);
        assertArrayEquals(new float[] {-0.125f, 65504f, 1f, 200f}, e.outputs()[2]);
        assertEquals(
                "x:FP16[-1,2] (features), flag:BOOL[-1,1] (= 1.0), u8:UINT8[-1,1] (= 200.0)",
                String.join(", ", e.feeds().stream().map(InputFeed::toString).toList()));

        Path work = Files.createDirectory(dir.resolve("work"));
        try (SessionMemoryProbe probe = SessionMemoryProbe.create(work, "32m", Duration.ofSeconds(60), 1)) {
            SessionMemoryProbe.Measurement m =
                    probe.measure(new SessionMemoryProbe.Request(model, null, OptLevel.NO_OPT, 1, 2, e.feeds()));
            assertTrue(m.peakBytes() > 0, m.toString());
        }
    }

    @Test
    void halfPrecisionRoundsToNearest() {
        assertEquals(0x3c00, InputTensors.toHalf(1f) & 0xffff);
        assertEquals(0xc000, InputTensors.toHalf(-2f) & 0xffff);
        assertEquals(0x7bff, InputTensors.toHalf(65504f) & 0xffff);
        assertEquals(0x7c00, InputTensors.toHalf(1e6f) & 0xffff);
        assertEquals(0x0000, InputTensors.toHalf(0f) & 0xffff);
        assertEquals(0x3555, InputTensors.toHalf(1f / 3) & 0xffff);
    }
}
