package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgeloop.agent.TestModels;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime starts with the first model, not with the runtime (issue 15), and inputs written into the reused
 * per-thread buffers give ONNX Runtime's own answers whatever the order of input sizes.
 */
class LazyRuntimeTest {
    @TempDir
    Path dir;

    @Test
    void onnxRuntimeStartsOnceWithTheFirstModel() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        try (ModelRuntime runtime = new ModelRuntime(() -> {
            starts.incrementAndGet();
            return OrtEnvironment.getEnvironment();
        })) {
            // an idle agent: nothing served, status and inference calls answer without ONNX Runtime
            assertTrue(runtime.models().isEmpty());
            assertTrue(runtime.active().isEmpty());
            assertThrows(NoModelException.class, () -> runtime.infer(new float[8]));
            assertThrows(NoModelException.class, () -> runtime.run("m", "", Map.of(), List.of()));
            assertEquals(OrtEnvironment.getEnvironment().getVersion(), runtime.runtimeVersion());
            assertFalse(runtime.started(), "the registration's runtime version does not start ONNX Runtime");
            assertEquals(0, starts.get());

            // the first model load starts it, once, however many threads ask at the same time
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<OrtEnvironment>> asked = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                asked.add(pool.submit(() -> {
                    go.await();
                    return runtime.environment();
                }));
            }
            go.countDown();
            for (Future<OrtEnvironment> f : asked) {
                assertSame(OrtEnvironment.getEnvironment(), f.get());
            }
            pool.shutdown();
            assertEquals(1, starts.get());
            assertTrue(runtime.started());

            Path file = Files.write(dir.resolve("m.onnx"), TestModels.constant(8, 4, 2, "a,b,c,d"));
            runtime.activate(LoadedModel.load(runtime.environment(), file, descriptor(), 1));
            assertEquals("c", runtime.infer(new float[8]).label());
            assertEquals(1, starts.get());
        }
    }

    @Test
    void reusedInputBuffersGiveOnnxRuntimesAnswersForAnySequenceOfSizes() throws Exception {
        Path file = Files.write(
                dir.resolve("lin.onnx"), TestModels.linear(16, new float[] {0.1f, -0.2f, 0.3f}, 1f, 3, "x,y,z"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (ModelRuntime runtime = new ModelRuntime(() -> env);
                OrtSession direct = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            runtime.activate(LoadedModel.load(runtime.environment(), file, descriptor(), 1));
            Random random = new Random(11);
            // growing, shrinking and repeated batch sizes, beyond the largest kept buffer too (1 MiB = 16384 rows)
            for (int batch : new int[] {1, 5, 2, 5, 64, 1, 17000, 3, 17000, 1}) {
                float[] x = new float[batch * 16];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                Tensor in = Tensor.fp32("input", new long[] {batch, 16}, x);
                InferenceResult r = runtime.run("vibration", "", Map.of("input", in), List.of("probabilities"));
                float[] got = (float[]) r.output("probabilities").data();
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 16});
                        OrtSession.Result expected = direct.run(Map.of("input", t))) {
                    FloatBuffer b = ((OnnxTensor) expected.get("probabilities").orElseThrow()).getFloatBuffer();
                    float[] want = new float[b.remaining()];
                    b.get(want);
                    assertArrayEquals(want, got, 1e-6f, "batch " + batch);
                }
            }
        }
    }

    @Test
    void keptBuffersAreExactlySizedAndBounded() {
        var small = InputBuffers.forInput(0, 100);
        assertEquals(100, small.remaining());
        assertTrue(small.isDirect());
        var large = InputBuffers.forInput(1, InputBuffers.MAX_CACHED_BYTES + 4);
        assertEquals(InputBuffers.MAX_CACHED_BYTES + 4, large.remaining());
        assertEquals(
                40, InputBuffers.forInput(InputBuffers.MAX_CACHED_INPUTS, 40).remaining());
    }

    private static ModelDescriptor descriptor() {
        return new ModelDescriptor("dep-1", "vibration", 1, "v1", "sha", "onnx", List.of(), 0, null);
    }
}
