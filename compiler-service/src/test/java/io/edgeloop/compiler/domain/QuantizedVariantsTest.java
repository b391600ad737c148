package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.onnx.Calibrator;
import io.edgeloop.compiler.onnx.TargetProfile;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine with every variant on a trained-ish MLP. */
class QuantizedVariantsTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    static CompilationEngine engine(double budget, CompilerOptions options) {
        return new CompilationEngine(
                new OnnxOptimizer(ENV, OptLevel.EXTENDED_OPT, 1),
                new ModelEvaluator(ENV, 1, 128, 5, 50),
                new VariantValidator(budget),
                options,
                ENV);
    }

    static VariantOutcome of(EngineResult r, VariantTarget t) {
        return r.variants().stream().filter(o -> o.target() == t).findFirst().orElseThrow();
    }

    @Test
    void everyVariantOfATrainedMlpIsProducedCheckedValidatedAndEstimated() throws Exception {
        ValidationSet train = TestModels.data(3, 2000);
        ValidationSet validation = TestModels.data(4, 800);
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, TestGraphs.mlp(train, 32, TestModels.CLASSES, 5).toByteArray());
        Path out = Files.createDirectory(dir.resolve("out"));

        EngineResult r = engine(1.0, CompilerOptions.all()).run(floatModel, validation, train, out);

        assertEquals(VariantTarget.values().length, r.variants().size());
        VariantOutcome int8 = of(r, VariantTarget.CPU_INT8);
        assertTrue(int8.accepted(), int8.verdict().reason());
        assertTrue(int8.verdict().accuracyDelta() >= -0.01, "int8 within the 1-point budget");
        assertTrue(int8.verdict().argmaxAgreement() >= 0.98);
        assertEquals("int8-static-qdq", int8.quantization());
        assertEquals(13, int8.opset());
        assertEquals("uint8", int8.settings().get("activation_type"));
        assertEquals("2000", int8.settings().get("calibration_samples"));
        assertEquals("ALL_OPT", int8.settings().get("evaluation_optimization_level"));
        // weights shrink; on a model this tiny the QDQ bookkeeping can outweigh them in the file (see the benchmark)
        assertTrue(int8.estimate().ramBytes()
                < of(r, VariantTarget.CPU_FP32_ORTOPT).estimate().ramBytes());
        assertNotNull(int8.estimate());
        assertEquals("cpu-int8", int8.estimate().profile());
        assertTrue(
                int8.estimate().macs() == 8 * 32 + 32 * 4,
                "MACs " + int8.estimate().macs());
        assertTrue(int8.peakMemoryBytes() >= 0);
        // the int8 artifact is shared by the int8 profiles, each with its own estimate
        VariantOutcome mcu = of(r, VariantTarget.MCU_INT8);
        assertTrue(mcu.accepted(), mcu.verdict().reason());
        assertEquals(int8.sha256(), mcu.sha256());
        assertEquals("mcu-int8", mcu.estimate().profile());
        assertTrue(mcu.estimate().ramBytes() < int8.estimate().ramBytes(), "MCU runs weights from flash");
        VariantOutcome dynamic = of(r, VariantTarget.CPU_INT8_DYNAMIC);
        assertTrue(dynamic.accepted(), dynamic.verdict().reason());
        assertEquals("int8-dynamic", dynamic.quantization());
        VariantOutcome pruned = of(r, VariantTarget.CPU_FP32_PRUNED);
        assertEquals(0.5, pruned.sparsity(), 0.02);
        assertEquals("pruned", pruned.quantization());
        // pruning without retraining may or may not stay in budget; either way its cost is measured
        assertEquals(
                pruned.verdict().accuracy() - r.reference().accuracy(),
                pruned.verdict().accuracyDelta(),
                1e-12);
        assertTrue(of(r, VariantTarget.CPU_FP32_ORTOPT).accepted());
        try (Stream<Path> files = Files.list(out)) {
            long kept = files.count();
            long expected = r.accepted().stream()
                    .map(VariantOutcome::artifact)
                    .distinct()
                    .count();
            assertEquals(expected, kept, "only files of accepted variants stay");
        }
    }

    @Test
    void aVariantBeyondTheBudgetOrItsProfileIsRejectedWithTheReason() throws Exception {
        ValidationSet train = TestModels.data(3, 2000);
        ValidationSet validation = TestModels.data(4, 800);
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, TestGraphs.mlp(train, 32, TestModels.CLASSES, 5).toByteArray());
        Path out = Files.createDirectory(dir.resolve("out"));
        Map<String, TargetProfile> profiles = new LinkedHashMap<>(TargetProfile.standard());
        profiles.put("mcu-int8", new TargetProfile("mcu-int8", 1024, 1024, 50, 1, false, 512));
        CompilerOptions options = new CompilerOptions(
                EnumSet.of(VariantTarget.CPU_FP32_PRUNED, VariantTarget.CPU_INT8, VariantTarget.MCU_INT8),
                profiles,
                true,
                Calibrator.Method.PERCENTILE,
                99.9,
                0.95,
                OptLevel.ALL_OPT);

        EngineResult r = engine(1.0, options).run(floatModel, validation, train, out);

        VariantOutcome pruned = of(r, VariantTarget.CPU_FP32_PRUNED);
        assertFalse(pruned.accepted(), "95 % of the weights gone costs more than a point");
        assertTrue(
                pruned.verdict().reason().contains("points below the float model"),
                pruned.verdict().reason());
        assertNull(pruned.artifact());
        assertTrue(of(r, VariantTarget.CPU_INT8).accepted());
        assertEquals("99.9", of(r, VariantTarget.CPU_INT8).settings().get("calibration_percentile"));
        VariantOutcome mcu = of(r, VariantTarget.MCU_INT8);
        assertFalse(mcu.accepted());
        assertTrue(
                mcu.verdict().reason().startsWith("does not fit target profile mcu-int8"),
                mcu.verdict().reason());
        assertFalse(mcu.estimate().fits());
        assertTrue(Files.exists(of(r, VariantTarget.CPU_INT8).artifact()), "the shared int8 file stays for cpu-int8");
    }
}
