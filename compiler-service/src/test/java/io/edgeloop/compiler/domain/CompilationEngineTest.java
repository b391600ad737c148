package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.common.Hashing;
import io.edgeloop.compiler.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilationEngineTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    static TestModels.Linear linear;
    static ValidationSet data;

    @TempDir
    Path dir;

    @BeforeAll
    static void fit() {
        linear = TestModels.fit(1, 2000);
        data = TestModels.data(2, 600);
    }

    static ModelEvaluator evaluator() {
        return new ModelEvaluator(ENV, 1, 128, 5, 50);
    }

    static CompilationEngine engine(double budget) {
        return new CompilationEngine(
                new OnnxOptimizer(ENV, OptLevel.EXTENDED_OPT, 1), evaluator(), new VariantValidator(budget));
    }

    Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void variantsLoadInOrtAndAgreeWithTheFloatModel() throws Exception {
        Path floatModel = write("float.onnx", TestModels.gemmSoftmax(linear));
        Path out = Files.createDirectory(dir.resolve("out"));

        EngineResult r = engine(1.0).run(floatModel, data, out);

        assertTrue(
                r.reference().accuracy() > 0.85,
                "float accuracy " + r.reference().accuracy());
        assertEquals(data.size(), r.reference().sampleCount());
        assertEquals("features", r.reference().inputName());
        assertEquals("probabilities", r.reference().outputName());
        assertEquals(2, r.variants().size());
        for (VariantOutcome o : r.variants()) {
            VariantVerdict v = o.verdict();
            assertTrue(v.accepted(), o.target() + ": " + v.reason());
            assertNull(v.reason());
            assertTrue(v.maxAbsDiff() < 1e-4, o.target() + " max diff " + v.maxAbsDiff());
            assertEquals(1.0, v.argmaxAgreement());
            assertEquals(r.reference().accuracy(), v.accuracy(), 1e-12);
            assertEquals(0.0, v.accuracyDelta(), 1e-12);
            assertTrue(v.latencyP50Us() > 0 && v.latencyP99Us() >= v.latencyP50Us(), v.toString());
            assertEquals(Files.size(o.artifact()), v.sizeBytes());
            assertEquals(Hashing.sha256Hex(o.artifact()), o.sha256());
            assertEquals(out.resolve(o.target().fileName()), o.artifact());
            assertEquals("EXTENDED_OPT", o.settings().get("optimization_level"));
        }
        // the ORT-format file is a real ORT model: it loads with default options and computes the same outputs
        Path ort = out.resolve(VariantTarget.CPU_ORT_FORMAT.fileName());
        assertFalse(OnnxGraphs.nodeCount(ort).isPresent()
                && OnnxGraphs.nodeCount(ort).getAsInt() > 0);
        float[] sample = data.features()[0];
        assertArrayEquals(infer(floatModel, sample), infer(ort, sample), 1e-5f);
    }

    static float[] infer(Path model, float[] sample) throws Exception {
        try (OrtSession s = ENV.createSession(model.toString());
                OnnxTensor t = OnnxTensor.createTensor(ENV, new float[][] {sample});
                OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
            return ((float[][]) r.get(0).getValue())[0];
        }
    }

    @Test
    void graphOptimizationFusesMatMulAndAdd() throws Exception {
        Path floatModel = write("float.onnx", TestModels.matMulAddSoftmax(linear));
        Path out = Files.createDirectory(dir.resolve("out"));

        EngineResult r = engine(1.0).run(floatModel, data, out);

        assertEquals(3, r.floatGraphNodes());
        VariantOutcome ortopt = r.variants().get(0);
        assertEquals(VariantTarget.CPU_FP32_ORTOPT, ortopt.target());
        double nodes = ortopt.extraMetrics().get("graph_nodes");
        assertTrue(nodes < 3, "optimized graph has " + nodes + " nodes");
        assertTrue(ortopt.verdict().maxAbsDiff() < 1e-4);
    }

    @Test
    void aNegativeBudgetRejectsEvenAnIdenticalVariantAndDeletesIt() throws Exception {
        Path floatModel = write("float.onnx", TestModels.gemmSoftmax(linear));
        Path out = Files.createDirectory(dir.resolve("out"));

        EngineResult r = engine(-0.5).run(floatModel, data, out);

        assertTrue(r.accepted().isEmpty());
        for (VariantOutcome o : r.variants()) {
            assertFalse(o.accepted());
            assertNull(o.artifact());
            assertTrue(
                    o.verdict().reason().contains("budget -0.50 points"),
                    o.verdict().reason());
        }
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(0, left.count(), "rejected variant files are deleted");
        }
    }

    @Test
    void aBrokenVariantBeyondTheBudgetIsRejectedWithItsFigures() throws Exception {
        ModelEvaluator evaluator = evaluator();
        ModelEvaluation reference = evaluator.evaluate(write("float.onnx", TestModels.gemmSoftmax(linear)), data);
        ModelEvaluation broken =
                evaluator.evaluate(write("broken.onnx", TestModels.gemmSoftmax(linear.swapClasses(1, 2))), data);

        VariantVerdict v = new VariantValidator(1.0).judge(reference, broken);

        assertFalse(v.accepted());
        assertTrue(v.accuracyDelta() < -0.1, "delta " + v.accuracyDelta());
        assertEquals(broken.accuracy() - reference.accuracy(), v.accuracyDelta(), 1e-12);
        assertTrue(v.argmaxAgreement() < 0.9);
        assertTrue(v.maxAbsDiff() > 0.1);
        assertTrue(v.reason().contains("points below the float model"), v.reason());

        // the same pair passes when the budget covers the loss
        double lostPoints = -v.accuracyDelta() * 100;
        assertTrue(
                new VariantValidator(lostPoints + 0.01).judge(reference, broken).accepted());
    }

    @Test
    void aMalformedModelGivesAClearErrorAndLeavesNothingBehind() throws Exception {
        Path floatModel = write("float.onnx", "this is not an onnx model".getBytes());
        Path out = Files.createDirectory(dir.resolve("out"));

        InvalidModelException e =
                assertThrows(InvalidModelException.class, () -> engine(1.0).run(floatModel, data, out));

        assertTrue(e.getMessage().startsWith("float.onnx is not a model ONNX Runtime can load"), e.getMessage());
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void dataThatDoesNotFitTheModelIsAFailureNotACrash() throws Exception {
        Path floatModel = write("float.onnx", TestModels.gemmSoftmax(linear));
        ValidationSet fiveFeatures = new ValidationSet(new float[][] {{1, 2, 3, 4, 5}}, new int[] {0});

        CompilationFailure e =
                assertThrows(CompilationFailure.class, () -> evaluator().evaluate(floatModel, fiveFeatures));

        assertTrue(e.getMessage().contains("takes 8 values per sample"), e.getMessage());
        assertThrows(
                CompilationFailure.class,
                () -> evaluator().evaluate(floatModel, new ValidationSet(new float[0][], new int[0])));
    }

    @Test
    void percentilesAndArgmax() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, ModelEvaluator.percentile(sorted, 0.5));
        assertEquals(10, ModelEvaluator.percentile(sorted, 0.99));
        assertEquals(2, ModelEvaluator.argmax(new float[] {0.1f, 0.2f, 0.7f}));
        assertEquals(1, ModelEvaluator.argmax(new float[] {Float.NaN, 0.2f, 0.1f}));
        assertNotNull(VariantTarget.byId("cpu-ort-format").orElse(null));
    }
}
