package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.edgeloop.agent.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRuntimeTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";

    @TempDir
    Path dir;

    private final ModelRuntime runtime = new ModelRuntime(OrtEnvironment.getEnvironment());

    @AfterEach
    void close() {
        runtime.close();
    }

    private LoadedModel load(byte[] bytes, int version) throws Exception {
        Path file = Files.write(dir.resolve("m" + version + "-" + System.nanoTime() + ".onnx"), bytes);
        var d = new ModelDescriptor(
                "dep-" + version, "vibration", version, "v" + version, "sha", "onnx", List.of(), 0, null);
        return LoadedModel.load(runtime.environment(), file, d, 1);
    }

    @Test
    void noModelMeansNoModelException() {
        assertThrows(NoModelException.class, () -> runtime.infer(new float[8]));
    }

    @Test
    void predictsWithLabelsFromMetadata() throws Exception {
        float[] bias = {0.1f, -0.2f, 0.3f, 0f};
        runtime.activate(load(TestModels.linear(8, bias, 0.5f, 7, LABELS), 1));
        float[] x = {0.3f, 0.28f, 0.2f, 0.9f, 3f, 3f, 25f, 40f};
        Prediction p = runtime.infer(x);

        // independent computation of softmax(x W + b) with the same weights
        java.util.Random r = new java.util.Random(7);
        double[][] w = new double[8][4];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 4; j++) {
                w[i][j] = (float) r.nextGaussian() * 0.5f;
            }
        }
        double[] logits = new double[4];
        for (int j = 0; j < 4; j++) {
            logits[j] = bias[j];
            for (int i = 0; i < 8; i++) {
                logits[j] += x[i] * w[i][j];
            }
        }
        double max = java.util.Arrays.stream(logits).max().orElseThrow();
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        int best = 0;
        for (int j = 0; j < 4; j++) {
            assertEquals(Math.exp(logits[j] - max) / sum, p.probabilities()[j], 1e-4);
            if (logits[j] > logits[best]) {
                best = j;
            }
        }
        assertEquals(best, p.classIndex());
        assertEquals(List.of(LABELS.split(",")).get(best), p.label());
        assertEquals(1, runtime.active().orElseThrow().inferenceCount());
    }

    @Test
    void rejectsWrongFeatureCountAndNonFiniteValues() throws Exception {
        runtime.activate(load(TestModels.constant(8, 4, 0, LABELS), 1));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> runtime.infer(new float[3]));
        assertEquals("features", e.problems().get(0).field());
        float[] x = new float[8];
        x[2] = Float.NaN;
        x[5] = Float.POSITIVE_INFINITY;
        e = assertThrows(InvalidInputException.class, () -> runtime.infer(x));
        assertEquals(
                List.of("features[2]", "features[5]"),
                e.problems().stream().map(InputProblem::field).toList());
    }

    @Test
    void labelCountMustMatchOutput() throws Exception {
        assertThrows(InvalidModelException.class, () -> load(TestModels.constant(8, 4, 0, "a,b,c"), 1));
    }

    @Test
    void logitsAreTurnedIntoProbabilities() {
        float[] p = LoadedModel.toProbabilities(new float[] {2f, 0f, -1f});
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
        assertTrue(p[0] > p[1] && p[1] > p[2]);
        assertArrayEquals(new float[] {0.25f, 0.75f}, LoadedModel.toProbabilities(new float[] {0.25f, 0.75f}));
    }

    /**
     * Eight threads infer without pause while the main thread swaps between two models 200 times: no inference may
     * fail, every result must be consistent with the model that reports it (model 1 always predicts class 0, model 2
     * class 1), and every swapped-out session must end up closed.
     */
    @Test
    void swapsUnderConcurrentInferenceWithoutFailures() throws Exception {
        byte[] one = TestModels.constant(8, 4, 0, LABELS);
        byte[] two = TestModels.constant(8, 4, 1, LABELS);
        runtime.activate(load(one, 1));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(8);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                started.countDown();
                float[] x = {0.3f, 0.28f, 0.2f, 0.9f, 3f, 3f, 25f, 40f};
                while (!stop.get()) {
                    try {
                        Prediction p = runtime.infer(x);
                        int expected = p.model().modelVersion() == 1 ? 0 : 1;
                        if (p.classIndex() != expected) {
                            failures.add(new AssertionError(
                                    "v" + p.model().modelVersion() + " predicted " + p.classIndex()));
                        }
                        ok.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        started.await();
        List<LoadedModel> retired = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int version = i % 2 == 0 ? 2 : 1;
            retired.add(runtime.activate(load(version == 1 ? one : two, version)));
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
        assertTrue(ok.get() > 0);
        assertTrue(retired.stream().allMatch(LoadedModel::isClosed), "retired sessions are closed");
        assertFalse(runtime.active().orElseThrow().isClosed());
    }

    /**
     * Four threads infer without pause while the main thread loads, activates and unloads a model 100 times: every
     * request either completes (on the model it pinned) or gets {@link NoModelException}, nothing else; every
     * unloaded session ends up closed.
     */
    @Test
    void unloadUnderConcurrentInferenceNeverFailsARequest() throws Exception {
        byte[] one = TestModels.constant(8, 4, 0, LABELS);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong noModel = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                float[] x = {0.3f, 0.28f, 0.2f, 0.9f, 3f, 3f, 25f, 40f};
                while (!stop.get()) {
                    try {
                        if (runtime.infer(x).classIndex() != 0) {
                            failures.add(new AssertionError("wrong prediction"));
                        }
                        ok.incrementAndGet();
                    } catch (NoModelException e) {
                        noModel.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        List<LoadedModel> unloaded = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            LoadedModel m = load(one, 1); // no model active meanwhile: requests get NoModelException
            runtime.activate(m);
            Thread.sleep(1);
            assertEquals(m, runtime.unload());
            unloaded.add(m);
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
        assertTrue(ok.get() > 0 && noModel.get() > 0, "served " + ok + ", no model " + noModel);
        assertTrue(unloaded.stream().allMatch(LoadedModel::isClosed), "unloaded sessions are closed");
        assertTrue(runtime.active().isEmpty());
    }
}
