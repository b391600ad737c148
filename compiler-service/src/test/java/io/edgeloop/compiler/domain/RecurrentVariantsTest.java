package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.testing.RecurrentFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole engine on recurrent models (training-service's GRU and LSTM exports, input [N, 2, 48]): every variant of
 * every profile (fp32, ORT format, pruned, static and dynamic int8) is produced, validated and accepted, with the
 * recurrent layer's MACs in the estimate.
 */
class RecurrentVariantsTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    @Test
    void aGruModelCompilesToAcceptedVariants() throws Exception {
        // GRU 48 steps x 3 gates x 16 x (2 + 16) + head 16 x 3
        compilesToAcceptedVariants(RecurrentFixtures.GRU, 48L * 3 * 16 * 18 + 16 * 3);
    }

    @Test
    void anLstmModelCompilesToAcceptedVariants() throws Exception {
        // LSTM 48 steps x 4 gates x 16 x (2 + 16) + head 16 x 3
        compilesToAcceptedVariants(RecurrentFixtures.LSTM, 48L * 4 * 16 * 18 + 16 * 3);
    }

    private void compilesToAcceptedVariants(String resource, long macs) throws Exception {
        ValidationSet train = RecurrentFixtures.windows(21, 300);
        ValidationSet validation = RecurrentFixtures.windows(22, 300);
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, RecurrentFixtures.model(resource).toByteArray());
        Path out = Files.createDirectory(dir.resolve("out"));
        CompilationEngine engine = new CompilationEngine(
                new OnnxOptimizer(ENV, OptLevel.EXTENDED_OPT, 1),
                new ModelEvaluator(ENV, 1, 128, 5, 50),
                new VariantValidator(2.0),
                CompilerOptions.all(),
                ENV);

        EngineResult r = engine.run(floatModel, validation, train, out);

        assertTrue(
                r.reference().accuracy() >= 0.9,
                resource + " float accuracy " + r.reference().accuracy());
        assertTrue(r.variants().size() >= 5, r.variants().toString());
        for (VariantOutcome o : r.variants()) {
            assertTrue(o.accepted(), o.target() + ": " + o.verdict().reason());
            assertTrue(
                    o.verdict().argmaxAgreement() >= 0.97,
                    o.target() + " agreement " + o.verdict().argmaxAgreement());
            assertEquals(macs, o.estimate().macs(), o.target() + " MACs");
        }
    }
}
