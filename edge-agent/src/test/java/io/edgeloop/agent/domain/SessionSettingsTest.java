package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.edgeloop.agent.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgeloop.agent.runtime.*}: every combination of threads, arena allocator and memory pattern creates a session
 * that answers exactly what ONNX Runtime's defaults answer, and out-of-range thread counts are refused naming the key.
 */
class SessionSettingsTest {
    @TempDir
    Path dir;

    @Test
    void everySettingServesTheSameAnswersAsTheDefaults() throws Exception {
        byte[] model = TestModels.linear(64, new float[] {0.1f, -0.2f, 0.3f, 0f}, 0.5f, 11, "a,b,c,d");
        Path file = Files.write(dir.resolve("m.onnx"), model);
        float[] x = new float[64];
        Random r = new Random(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] expected = LoadedModelTest.reference(model, "input", x, new long[] {1, 64});
        List<SessionSettings> all = List.of(
                SessionSettings.DEFAULT,
                new SessionSettings(2, 1, true, true),
                new SessionSettings(1, 2, false, true),
                new SessionSettings(1, 1, true, false),
                new SessionSettings(2, 2, false, false));
        for (SessionSettings s : all) {
            try (ModelRuntime runtime = new ModelRuntime(OrtEnvironment.getEnvironment())) {
                runtime.activate(LoadedModel.load(runtime.environment(), file, LoadedModelTest.descriptor("m", 1), s));
                for (int run = 0; run < 3; run++) {
                    Prediction p = runtime.infer(x);
                    assertArrayEquals(expected, p.probabilities(), 1e-6f, s.toString());
                }
            }
        }
    }

    @Test
    void threadCountsOutOfRangeAreRefusedNamingTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SessionSettings(0, 1, true, true));
        assertTrue(e.getMessage().contains("edgeloop.agent.runtime: intra-op-threads must be 1 to 64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SessionSettings(1, 65, true, true));
        assertTrue(e.getMessage().contains("inter-op-threads must be 1 to 64, was 65"), e.getMessage());
        assertEquals(3, SessionSettings.withThreads(3).intraOpThreads());
        assertEquals(1, SessionSettings.withThreads(0).intraOpThreads());
    }
}
