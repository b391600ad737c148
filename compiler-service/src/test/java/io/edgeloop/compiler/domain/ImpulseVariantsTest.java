package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.onnx.StaticQuantizer;
import io.edgeloop.compiler.testing.ImpulseFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole engine on an impulse model (training-service's spectral export: raw windows [N, 3, 128] in, processing
 * nodes {@code impulse/...}, then the MLP): the raw-window input is fed from flat samples, the fp32 and int8 variants
 * are produced, validated and accepted, and the estimate counts the processing block.
 */
class ImpulseVariantsTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    @Test
    void aSpectralImpulseCompilesToAcceptedFp32AndInt8Variants() throws Exception {
        ImpulseFixtures.Fixture f = ImpulseFixtures.SPECTRAL;
        ValidationSet train = f.windows(21, 300);
        ValidationSet validation = f.windows(22, 300);
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, f.model().toByteArray());
        Path out = Files.createDirectory(dir.resolve("out"));
        CompilationEngine engine = new CompilationEngine(
                new OnnxOptimizer(ENV, OptLevel.EXTENDED_OPT, 1),
                new ModelEvaluator(ENV, 1, 128, 5, 50),
                new VariantValidator(1.0),
                CompilerOptions.all(),
                ENV);

        EngineResult r = engine.run(floatModel, validation, train, out);

        assertEquals("input", r.reference().inputName());
        assertTrue(
                r.reference().accuracy() >= 0.9,
                "float accuracy " + r.reference().accuracy());
        for (VariantTarget t : new VariantTarget[] {
            VariantTarget.CPU_FP32_ORTOPT, VariantTarget.CPU_INT8, VariantTarget.CPU_INT8_DYNAMIC
        }) {
            VariantOutcome o = QuantizedVariantsTest.of(r, t);
            assertTrue(o.accepted(), t + ": " + o.verdict().reason());
            assertTrue(
                    o.verdict().argmaxAgreement() >= 0.97,
                    t + " agreement " + o.verdict().argmaxAgreement());
            // DFT 3x130x128 + bands 3x8x130 + network 33x16 + 16x4
            assertEquals(
                    3 * 130 * 128 + 3 * 8 * 130 + 33 * 16 + 16 * 4, o.estimate().macs(), t + " MACs");
        }
        VariantOutcome int8 = QuantizedVariantsTest.of(r, VariantTarget.CPU_INT8);
        assertEquals("int8-static-qdq", int8.quantization());
        assertTrue(
                ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(int8.artifact()))
                        .getGraph()
                        .getNodeList()
                        .stream()
                        .anyMatch(StaticQuantizer::isProcessing),
                "the int8 file keeps its processing nodes, by name");
    }
}
