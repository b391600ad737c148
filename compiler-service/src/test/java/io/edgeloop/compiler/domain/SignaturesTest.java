package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.model.v1.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Variant signatures and models with several inputs and outputs, N-D inputs or outputs that are not class scores,
 * through the engine with every variant (and the isolated memory probe for the multi-input model).
 */
class SignaturesTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    CompilationEngine engine(SessionMemoryProbe probe) {
        return new CompilationEngine(
                new OnnxOptimizer(ENV, OptLevel.EXTENDED_OPT, 1),
                new ModelEvaluator(ENV, 1, 128, 2, 10, false),
                new VariantValidator(1.0),
                CompilerOptions.all(),
                ENV,
                probe);
    }

    EngineResult run(OnnxMl.ModelProto model, ValidationSet data, ModelIo io, int labels) throws Exception {
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, model.toByteArray());
        Path out = Files.createDirectories(dir.resolve("out"));
        return engine(null).run(floatModel, data, data, out, io, labels);
    }

    static VariantOutcome of(EngineResult r, VariantTarget t) {
        return r.variants().stream().filter(o -> o.target() == t).findFirst().orElseThrow();
    }

    static TensorSpec spec(String name, String type, long... shape) {
        TensorSpec.Builder b = TensorSpec.newBuilder().setName(name).setDatatype(type);
        for (long d : shape) {
            b.addShape(d);
        }
        return b.build();
    }

    @Test
    void aRecurrentModelWithAnInt64SideInputAndTwoOutputsIsFedJudgedAndSigned() throws Exception {
        ValidationSet train = TestModels.data(3, 1500);
        ValidationSet validation = TestModels.data(4, 600);
        Path floatModel = dir.resolve("float.onnx");
        Files.write(
                floatModel,
                TestGraphs.recurrent(train, 32, TestModels.CLASSES, 5).toByteArray());
        Path out = Files.createDirectories(dir.resolve("out"));
        Path work = Files.createDirectories(dir.resolve("work"));

        EngineResult r;
        try (SessionMemoryProbe probe = SessionMemoryProbe.create(work, "64m", Duration.ofSeconds(60), 2)) {
            r = engine(probe).run(floatModel, validation, train, out, new ModelIo("", "", Map.of("step", 2.0)), 4);
        }

        // the probe's feeds come from the ONNX graph: the same as ONNX Runtime's metadata gives in process
        List<InputFeed> fromGraph = IoPlan.feeds(
                "m",
                IoPlan.graphInputs(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(floatModel))),
                new ModelIo("", "", Map.of("step", 2.0)),
                8);
        assertEquals(
                r.reference().feeds().stream().map(InputFeed::toString).toList(),
                fromGraph.stream().map(InputFeed::toString).toList());
        assertEquals(
                "[features:FP32[-1,8] (features), state:FP32[-1,16] (= 0.0), step:INT64[-1,1] (= 2.0)]",
                fromGraph.toString());
        assertTrue(r.reference().classification());
        assertEquals("probabilities", r.reference().outputName());
        assertEquals("features", r.reference().inputName());
        assertTrue(
                r.reference().accuracy() > 0.85,
                "state 0 leaves the MLP's accuracy: " + r.reference().accuracy());
        VariantOutcome ortopt = of(r, VariantTarget.CPU_FP32_ORTOPT);
        assertTrue(ortopt.accepted(), ortopt.verdict().reason());
        // the isolated child fed all three inputs (float, float, int64) and ran the session
        assertEquals("session (isolated process)", ortopt.settings().get("peak_memory_scope"));
        assertTrue(ortopt.peakMemoryBytes() > 0);
        ModelSignature s = ortopt.signature();
        assertEquals(
                List.of(spec("features", "FP32", -1, 8), spec("state", "FP32", -1, 16), spec("step", "INT64", -1, 1)),
                s.getInputsList());
        assertEquals(
                List.of(spec("probabilities", "FP32", -1, 4), spec("state_out", "FP32", -1, 16)), s.getOutputsList());
        assertEquals(13, s.getOpset());
        assertEquals("classification", s.getOutputKind());
        assertEquals("features", s.getFeatureInput());
        assertEquals(Map.of("state", 0.0, "step", 2.0), s.getInputDefaultsMap());
        assertEquals(
                "features:FP32[-1,8];state:FP32[-1,16];step:INT64[-1,1]",
                ortopt.settings().get("inputs"));
        assertEquals("state=0;step=2", ortopt.settings().get("input_defaults"));
        assertTrue(of(r, VariantTarget.CPU_ORT_FORMAT).accepted());
        assertEquals(
                s.getInputsList(),
                of(r, VariantTarget.CPU_ORT_FORMAT).signature().getInputsList());
        // static int8 calibrates on every input fed the same way (state 0, step 2)
        VariantOutcome int8 = of(r, VariantTarget.CPU_INT8);
        assertTrue(int8.accepted(), int8.verdict().reason());
        assertTrue(int8.verdict().accuracyDelta() >= -0.01, int8.verdict().toString());
        assertEquals(s.getInputsList(), int8.signature().getInputsList());
        VariantOutcome dynamic = of(r, VariantTarget.CPU_INT8_DYNAMIC);
        if (dynamic.accepted()) {
            assertEquals("classification", dynamic.signature().getOutputKind());
        } else {
            assertNotNull(dynamic.verdict().reason());
        }
    }

    @Test
    void nDimensionalInputsAreSignedWithDynamicBatch() throws Exception {
        EngineResult cnn1d = run(TestGraphs.cnn1d(4, 10, 8, 4, 3), TestGraphs.windows(200, 4, 10, 1), ModelIo.AUTO, 4);
        ModelSignature s1 = of(cnn1d, VariantTarget.CPU_FP32_ORTOPT).signature();
        assertEquals(List.of(spec("windows", "FP32", -1, 4, 10)), s1.getInputsList());
        assertEquals(List.of(spec("probabilities", "FP32", -1, 4)), s1.getOutputsList());
        assertEquals("classification", s1.getOutputKind());
        assertEquals(Map.of(), s1.getInputDefaultsMap());

        ValidationSet images = TestGraphs.windows(200, 1, 64, 2);
        EngineResult cnn2d = run(TestGraphs.cnn2d(1, 8, 8, 6, 4, 4), images, ModelIo.AUTO, 4);
        for (VariantOutcome o : cnn2d.accepted()) {
            if (o.signature() != null) {
                assertEquals(
                        List.of(spec("images", "FP32", -1, 1, 8, 8)),
                        o.signature().getInputsList());
                assertEquals("images", o.signature().getFeatureInput());
            }
        }
        assertTrue(of(cnn2d, VariantTarget.CPU_FP32_ORTOPT).accepted());
        assertEquals(
                "classification",
                of(cnn2d, VariantTarget.CPU_FP32_ORTOPT).signature().getOutputKind());
    }

    @Test
    void aRegressionModelIsJudgedOnFiniteOutputsWithoutAccuracy() throws Exception {
        ValidationSet data = TestModels.data(7, 300);
        EngineResult r = run(TestGraphs.regression(TestModels.FEATURES, 1), data, ModelIo.AUTO, 4);

        assertFalse(r.reference().classification());
        assertEquals(0.0, r.reference().accuracy());
        VariantOutcome ortopt = of(r, VariantTarget.CPU_FP32_ORTOPT);
        assertTrue(ortopt.accepted(), ortopt.verdict().reason());
        assertEquals("regression", ortopt.signature().getOutputKind());
        assertEquals(List.of(spec("value", "FP32", -1, 1)), ortopt.signature().getOutputsList());
        assertTrue(ortopt.settings().get("accuracy").startsWith("not applicable"));
        assertTrue(ortopt.verdict().maxAbsDiff() < 1e-4);
    }

    static ModelEvaluation tensorOutputs(float... values) {
        float[][] rows = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            rows[i] = new float[] {values[i]};
        }
        return new ModelEvaluation(
                rows, new int[values.length], 0, 1, 1, 100, "x", "y", 0, false, List.of(), List.of(), List.of());
    }

    @Test
    void outputsThatAreNotClassScoresMayDifferByFivePercentOfTheirMagnitude() {
        VariantValidator validator = new VariantValidator(1.0);
        ModelEvaluation reference = tensorOutputs(10f, -4f);

        assertTrue(validator.judge(reference, tensorOutputs(10.4f, -4.2f)).accepted());
        VariantVerdict far = validator.judge(reference, tensorOutputs(11f, -4f));
        assertFalse(far.accepted());
        assertTrue(far.reason().contains("more than 5 % of their largest magnitude 10"), far.reason());
        assertFalse(validator.judge(reference, tensorOutputs(Float.NaN, -4f)).accepted());
    }

    @Test
    void declaredInputsAndOutputsMustExist() throws Exception {
        ValidationSet train = TestModels.data(3, 300);
        OnnxMl.ModelProto model = TestGraphs.recurrent(train, 8, TestModels.CLASSES, 5);
        CompilationFailure unknownDefault = assertThrows(
                CompilationFailure.class, () -> run(model, train, new ModelIo("", "", Map.of("nope", 1.0)), 4));
        assertTrue(unknownDefault.getMessage().contains("inputDefaults names 'nope'"), unknownDefault.getMessage());
        CompilationFailure unknownOutput =
                assertThrows(CompilationFailure.class, () -> run(model, train, new ModelIo("", "ghost", Map.of()), 4));
        assertTrue(unknownOutput.getMessage().contains("scoreOutput 'ghost'"), unknownOutput.getMessage());
        CompilationFailure wrongFeature =
                assertThrows(CompilationFailure.class, () -> run(model, train, new ModelIo("step", "", Map.of()), 4));
        assertTrue(wrongFeature.getMessage().contains("a float feature tensor is expected"), wrongFeature.getMessage());
    }
}
