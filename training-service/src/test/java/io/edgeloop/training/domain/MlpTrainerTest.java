package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.edgeloop.common.SensorSimulator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Trains on simulated sensor data once and checks quality and the ONNX export against ONNX Runtime. */
class MlpTrainerTest {
    private static TrainingData data;
    private static TrainedModel model;

    @BeforeAll
    static void train() {
        data = simulated(7, 800, 200, 200);
        model = new MlpTrainer().train(data, new Hyperparameters(25, 5, 32, 32, 0.01f, 42));
        System.out.printf(
                "trained %d epochs (best %d) in %.2f s: validation %s, test %s%n",
                model.epochs(), model.bestEpoch(), model.trainingSeconds(), model.validation(), model.test());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static TrainingData simulated(long seed, int train, int val, int test) {
        SensorSimulator sim = new SensorSimulator(seed);
        return new TrainingData(
                split(sim, train),
                split(sim, val),
                split(sim, test),
                SensorSimulator.LABELS,
                SensorSimulator.featureCount());
    }

    private static SplitData split(SensorSimulator sim, int n) {
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            SensorSimulator.Reading r = sim.next();
            x[i] = r.features();
            y[i] = r.labelIndex();
        }
        return new SplitData(x, y);
    }

    @Test
    void beatsChanceByAWideMargin() {
        // chance is 0.25 for 4 balanced classes
        assertTrue(
                model.test().accuracy() > 0.8, "test accuracy " + model.test().accuracy());
        assertTrue(model.test().macroF1() > 0.8, "test macro F1 " + model.test().macroF1());
        assertTrue(
                model.validation().accuracy() > 0.8,
                "validation accuracy " + model.validation().accuracy());
        assertEquals(200, model.test().sampleCount());
        assertTrue(
                model.test().loss() < Math.log(4),
                "test loss below the uniform guess: " + model.test().loss());
        assertTrue(model.epochs() >= model.bestEpoch() && model.bestEpoch() >= 1);
        assertEquals(model.epochs(), model.history().size());
        // training reduced the loss
        assertTrue(model.history().get(model.history().size() - 1).trainLoss()
                < model.history().get(0).trainLoss());
        assertEquals("mlp(8-32-relu-32-relu-4)-softmax,standardized", model.architecture());
    }

    @Test
    void keptWeightsAreThoseOfTheBestValidationEpoch() {
        // early stopping keeps the epoch with the lowest validation loss
        double best = model.history().stream()
                .mapToDouble(EpochStats::validationLoss)
                .min()
                .orElseThrow();
        assertEquals(best, model.history().get(model.bestEpoch() - 1).validationLoss(), 1e-12);
        assertEquals(best, model.validation().loss(), 1e-6);
        assertEquals(
                model.history().get(model.bestEpoch() - 1).validationAccuracy(),
                model.validation().accuracy(),
                1e-12);
    }

    @Test
    void onnxRuntimeReproducesDjlProbabilities() throws Exception {
        byte[] onnx = new OnnxExporter().export(model, "vibration", Map.of("snapshot_id", "vibration@v1"));
        float[][] samples = data.test().features();
        float[][] djl = model.predictProbabilities(samples);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, opts);
                    OnnxTensor input = OnnxTensor.createTensor(env, samples);
                    OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
                // dynamic batch dimension, F features in, C probabilities out
                long[] inShape = ((TensorInfo)
                                session.getInputInfo().get(OnnxExporter.INPUT).getInfo())
                        .getShape();
                assertEquals(-1, inShape[0]);
                assertEquals(8, inShape[1]);
                assertEquals(
                        "normal,imbalance,misalignment,bearing-fault",
                        session.getMetadata().getCustomMetadata().get("class_labels"));
                assertEquals(
                        "vibration@v1",
                        session.getMetadata().getCustomMetadata().get("snapshot_id"));
                assertEquals("8", session.getMetadata().getCustomMetadata().get("feature_count"));
                float[][] ort = (float[][])
                        result.get(OnnxExporter.OUTPUT).orElseThrow().getValue();
                assertEquals(samples.length, ort.length);
                double maxDiff = 0;
                for (int i = 0; i < samples.length; i++) {
                    assertEquals(4, ort[i].length);
                    for (int c = 0; c < 4; c++) {
                        maxDiff = Math.max(maxDiff, Math.abs(ort[i][c] - djl[i][c]));
                    }
                }
                assertTrue(maxDiff < 1e-4, "max |ORT - DJL| = " + maxDiff);
                // and ORT's predictions score what DJL's did
                EvaluationMetrics ortMetrics =
                        EvaluationMetrics.of(ort, data.test().labels(), 4);
                assertEquals(model.test().accuracy(), ortMetrics.accuracy(), 0.011);
            }
        }
    }

    @Test
    void sameSeedSameModel() {
        TrainingData small = simulated(11, 200, 50, 50);
        Hyperparameters hp = new Hyperparameters(3, 3, 32, 16, 0.01f, 5);
        MlpTrainer trainer = new MlpTrainer();
        try (TrainedModel a = trainer.train(small, hp);
                TrainedModel b = trainer.train(small, hp)) {
            assertEquals(a.finalTrainLoss(), b.finalTrainLoss(), 1e-9);
            float[] wa = a.layers().get(0).weight();
            float[] wb = b.layers().get(0).weight();
            for (int i = 0; i < wa.length; i++) {
                assertEquals(wa[i], wb[i], 0f);
            }
        }
    }

    @Test
    void rejectsUnusableData() {
        TrainingData bad = new TrainingData(
                new SplitData(new float[][] {{1f, 2f}}, new int[] {5}),
                new SplitData(new float[0][], new int[0]),
                new SplitData(new float[][] {{1f}}, new int[] {0}),
                java.util.List.of("a", "b"),
                2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new MlpTrainer().train(bad, new Hyperparameters(1, 1, 1, 1, 0.1f, 1)));
        assertTrue(e.getMessage().contains("label index 5"), e.getMessage());
        assertTrue(e.getMessage().contains("validation split is empty"), e.getMessage());
        assertTrue(e.getMessage().contains("test sample 0 has 1 features"), e.getMessage());
    }
}
