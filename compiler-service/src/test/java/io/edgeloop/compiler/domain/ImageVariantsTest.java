package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.testing.ImageFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole engine on training-service's image-block export (raw colour images [N, 3, 40, 40] in, the image block's
 * {@code impulse/...} nodes, then a 2D-CNN): every variant of every profile (fp32, ORT format, pruned, static and
 * dynamic int8) is produced, validated and accepted, with the block's matrix products and the convolutions' MACs in
 * the estimate.
 */
class ImageVariantsTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /**
     * Block: columns [1, 1, 40, 40] x [40, 20] = 800 outputs x 40 + rows [20, 40] x [1, 1, 40, 20] = 400 outputs x 40
     * (the luma Mul / ReduceSum and the normalisation are element-wise, not counted); network: conv 16 x 20 x 20
     * outputs x (1 x 3 x 3) + conv 32 x 10 x 10 outputs x (16 x 3 x 3) + Gemm 32 x 3.
     */
    static final long MACS = 800L * 40 + 400L * 40 + 16L * 20 * 20 * 9 + 32L * 10 * 10 * 144 + 32 * 3;

    /** Accuracy points a variant may lose. */
    static final double BUDGET = 2.0;
    /** A pruning sparsity that the small CNN takes without retraining. */
    static final double SPARSITY = 0.25;

    @TempDir
    Path dir;

    @Test
    void anImageBlockModelCompilesToAcceptedVariantsWithTheConvolutionsCounted() throws Exception {
        EngineResult r = compile(CompilerOptions.all());

        assertEquals("input", r.reference().inputName());
        assertTrue(
                r.reference().accuracy() >= 0.9,
                "float accuracy " + r.reference().accuracy());
        Set<VariantTarget> targets =
                r.variants().stream().map(VariantOutcome::target).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(VariantTarget.class), targets, "every variant is produced");
        for (VariantOutcome o : r.variants()) {
            assertEquals(MACS, o.estimate().macs(), o.target() + " MACs");
            if (o.target() == VariantTarget.CPU_FP32_PRUNED) {
                continue; // half of a small CNN's weights zeroed without retraining: below, at a lower sparsity
            }
            assertTrue(o.accepted(), o.target() + ": " + o.verdict().reason());
            assertTrue(
                    o.verdict().argmaxAgreement() >= 0.97,
                    o.target() + " agreement " + o.verdict().argmaxAgreement());
        }
        VariantOutcome int8 = QuantizedVariantsTest.of(r, VariantTarget.CPU_INT8);
        assertEquals("int8-static-qdq", int8.quantization());
        // the defaults' 50 % pruning is measured like every variant: accepted only within the accuracy budget
        VariantOutcome pruned = QuantizedVariantsTest.of(r, VariantTarget.CPU_FP32_PRUNED);
        assertEquals(0.5, pruned.sparsity(), 0.02);
        assertEquals(
                pruned.verdict().accuracy() - r.reference().accuracy(),
                pruned.verdict().accuracyDelta(),
                1e-9);
        assertEquals(pruned.verdict().accuracyDelta() >= -BUDGET / 100 - 1e-9, pruned.accepted(), pruned.toString());
    }

    @Test
    void aPrunedImageBlockModelIsAcceptedAtAModerateSparsity() throws Exception {
        CompilerOptions all = CompilerOptions.all();
        EngineResult r = compile(new CompilerOptions(
                EnumSet.of(VariantTarget.CPU_FP32_PRUNED),
                all.profiles(),
                all.unsignedActivations(),
                all.calibration(),
                all.percentile(),
                SPARSITY,
                all.quantizedLoadLevel()));

        VariantOutcome pruned = QuantizedVariantsTest.of(r, VariantTarget.CPU_FP32_PRUNED);
        assertEquals(SPARSITY, pruned.sparsity(), 0.02);
        assertTrue(pruned.accepted(), pruned.verdict().reason());
        assertTrue(
                pruned.verdict().argmaxAgreement() >= 0.97,
                "agreement " + pruned.verdict().argmaxAgreement());
        assertEquals(MACS, pruned.estimate().macs());
    }

    private EngineResult compile(CompilerOptions options) throws Exception {
        ValidationSet train = ImageFixtures.images(21, 240);
        ValidationSet validation = ImageFixtures.images(22, 240);
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, ImageFixtures.model().toByteArray());
        Path out = Files.createDirectory(dir.resolve("out"));
        CompilationEngine engine = new CompilationEngine(
                new OnnxOptimizer(ENV, OptLevel.EXTENDED_OPT, 1),
                new ModelEvaluator(ENV, 1, 128, 5, 50),
                new VariantValidator(BUDGET),
                options,
                ENV);
        return engine.run(floatModel, validation, train, out);
    }
}
