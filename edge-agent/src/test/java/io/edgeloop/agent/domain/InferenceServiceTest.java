package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.edgeloop.agent.TestModels;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference path and its telemetry with real models: client input errors counted apart from model/runtime
 * errors, windows with only errors sent, one window per model and source, feature statistics of N-D feature inputs,
 * and the simulator generating inputs that fit every served model.
 */
class InferenceServiceTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";

    @TempDir
    Path dir;

    private final ModelRuntime runtime = new ModelRuntime(OrtEnvironment.getEnvironment());
    private final TelemetryAccumulator telemetry =
            new TelemetryAccumulator("edge-t", 8, 100, new Random(1), Clock.systemUTC());
    private final InferenceService inference = new InferenceService(runtime, telemetry);

    @AfterEach
    void close() {
        runtime.close();
    }

    private void activate(String name, byte[] bytes, int featureCount) throws Exception {
        Path file = Files.write(dir.resolve(name + ".onnx"), bytes);
        var d = new ModelDescriptor("dep-" + name, name, 1, name + "-v1", "sha", "onnx", List.of(), featureCount, null);
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
    }

    private Map<String, TelemetryWindow> windows() {
        telemetry.roll();
        List<TelemetryWindow> pending = telemetry.pending();
        pending.forEach(w -> telemetry.acknowledge(w.getWindowId()));
        return pending.stream().collect(Collectors.toMap(w -> w.getModelName() + "/" + w.getSource(), w -> w));
    }

    @Test
    void clientErrorsAreCountedApartAndErrorOnlyWindowsAreSent() throws Exception {
        activate("vibration", TestModels.constant(8, 4, 1, LABELS), 0);
        activate("reshape", TestModels.reshapeTo3(), 4);
        inference.infer("vibration", new float[8], TelemetryAccumulator.LIVE);
        assertThrows(
                InvalidInputException.class,
                () -> inference.infer("vibration", new float[3], TelemetryAccumulator.LIVE));
        assertThrows(
                InferenceFailedException.class,
                () -> inference.infer("reshape", new float[4], TelemetryAccumulator.LIVE));
        assertThrows(
                InvalidInputException.class,
                () -> inference.run("reshape", "", Map.of(), List.of(), TelemetryAccumulator.SIMULATOR));

        Map<String, TelemetryWindow> w = windows();
        assertEquals(3, w.size(), w.keySet().toString());
        TelemetryWindow live = w.get("vibration/live");
        assertEquals(1, live.getInferenceCount());
        assertEquals(1, live.getClientErrorCount());
        assertEquals(0, live.getErrorCount());
        assertEquals(Map.of("imbalance", 1L), live.getPredictedClassCountsMap());
        TelemetryWindow failing = w.get("reshape/live");
        assertEquals(0, failing.getInferenceCount(), "a window with only errors is sent");
        assertEquals(1, failing.getErrorCount());
        assertEquals(0, failing.getClientErrorCount());
        assertEquals("dep-reshape", failing.getDeploymentId());
        assertEquals(1, w.get("reshape/simulator").getClientErrorCount());
        assertTrue(windows().isEmpty(), "windows that saw nothing are not sent");
    }

    @Test
    void everyClassifiedInferenceIsItemizedByItsId() throws Exception {
        activate("vibration", TestModels.constant(8, 4, 1, LABELS), 0);
        activate("cnn", TestModels.flattenLinear(new long[] {4, 10}, 3, 2, "a,b,c"), 0);
        activate("plain", TestModels.flattenLinear(new long[] {4, 10}, 3, 2, null), 0);
        Prediction p = inference.infer("vibration", new float[8], TelemetryAccumulator.LIVE, "req-1");
        inference.infer("vibration", new float[8], TelemetryAccumulator.LIVE);
        float[] x = new float[80];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3;
        }
        InferenceResult r = inference.run(
                "cnn", "", Map.of("input", Tensor.fp32("input", new long[] {2, 4, 10}, x)), List.of(), "live", "b");
        inference.run(
                "plain",
                "",
                Map.of("input", Tensor.fp32("input", new long[] {1, 4, 10}, new float[40])),
                List.of(),
                "live");

        Map<String, TelemetryWindow> w = windows();
        TelemetryWindow vib = w.get("vibration/live");
        assertEquals(2, vib.getInferencesCount());
        assertEquals("req-1", vib.getInferences(0).getInferenceId());
        assertEquals(1, vib.getInferences(0).getPredictedClass());
        // softmax of logits (10, 0, 0, 0): e^10 / (e^10 + 3)
        double expected = Math.exp(10) / (Math.exp(10) + 3);
        assertEquals(expected, vib.getInferences(0).getConfidence(), 1e-6);
        assertEquals(p.probabilities()[1], vib.getInferences(0).getConfidence(), 1e-7);
        java.util.UUID.fromString(vib.getInferences(1).getInferenceId()); // a new UUID when the caller gave none

        TelemetryWindow cnn = w.get("cnn/live");
        assertEquals(
                List.of("b/0", "b/1"),
                cnn.getInferencesList().stream().map(i -> i.getInferenceId()).toList());
        Classification c = r.model().classification();
        Tensor scores = r.output(c.outputName());
        for (int s = 0; s < 2; s++) {
            float[] probs = c.probabilities(scores, s);
            int best = c.best(scores, s);
            assertEquals(best, cnn.getInferences(s).getPredictedClass());
            assertEquals(probs[best], cnn.getInferences(s).getConfidence(), 1e-7);
            for (float q : probs) {
                assertTrue(q <= cnn.getInferences(s).getConfidence());
            }
        }
        assertEquals(0, w.get("plain/live").getInferencesCount(), "not a classifier: nothing to give feedback on");
    }

    @Test
    void callerInferenceIdsAreChecked() {
        assertEquals(null, InferenceService.inferenceIdProblem("req-7"));
        assertTrue(InferenceService.inferenceIdProblem(" ") != null);
        assertTrue(InferenceService.inferenceIdProblem("x".repeat(201)) != null);
        assertTrue(InferenceService.inferenceIdProblem("a\nb") != null);
    }

    @Test
    void featureStatisticsComeFromTheFeatureInputPerSample() throws Exception {
        activate("cnn", TestModels.flattenLinear(new long[] {4, 10}, 3, 2, null), 0);
        float[] x = new float[80];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        inference.run("cnn", "", Map.of("input", Tensor.fp32("input", new long[] {2, 4, 10}, x)), List.of(), "live");
        TelemetryWindow w = windows().get("cnn/live");
        assertEquals(2, w.getInferenceCount());
        assertEquals(40, w.getFeatureCount());
        assertEquals(20.0, w.getFeatureStats(0).getMean(), 1e-9); // samples 0 and 40
        assertEquals(79.0, w.getFeatureStats(39).getMax(), 1e-9); // 40 + 39
        assertEquals(0, w.getPredictedClassCountsCount(), "no labels: not a classifier");
    }

    @Test
    void simulatorInputsFitEveryServedModel() throws Exception {
        activate("vibration", TestModels.constant(SensorSimulator.featureCount(), 4, 1, LABELS), 0);
        activate("cnn", TestModels.flattenLinear(new long[] {4, 10}, 3, 2, null), 0);
        activate("rnn", TestModels.stateful(), 0);
        try (Simulator sim = new Simulator(inference, true, 2000, 7, "none")) {
            sim.start();
            await(() -> sim.state().generated() >= 60);
            assertEquals(0, sim.state().failed());
        }
        Map<String, TelemetryWindow> w = windows();
        // sensor readings stand in for a sensor ("simulator"); random inputs shaped like a model are "synthetic"
        Map<String, String> sources = Map.of("vibration", "simulator", "cnn", "synthetic", "rnn", "synthetic");
        for (String model : List.of("vibration", "cnn", "rnn")) {
            TelemetryWindow s = w.get(model + "/" + sources.get(model));
            assertTrue(s != null && s.getInferenceCount() > 0, model + ": " + w.keySet());
            assertEquals(0, s.getErrorCount() + s.getClientErrorCount(), model);
        }
        assertEquals(
                SensorSimulator.featureCount(), w.get("vibration/simulator").getFeatureCount());
        assertEquals(40, w.get("cnn/synthetic").getFeatureCount());
        assertEquals(3, w.get("rnn/synthetic").getFeatureCount());
        assertTrue(w.get("vibration/simulator").getPredictedClassCountsMap().containsKey("imbalance"));
        assertTrue(w.keySet().stream().noneMatch(k -> k.endsWith("/live")), "simulator traffic is never live");
    }

    /** Polls {@code condition} until it holds (fails after 20 s). */
    static void await(BooleanSupplier condition) {
        org.awaitility.Awaitility.await()
                .atMost(20, TimeUnit.SECONDS)
                .pollInterval(java.time.Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }
}
