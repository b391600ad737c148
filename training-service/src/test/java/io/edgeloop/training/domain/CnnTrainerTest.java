package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** 1D- and 2D-CNNs on generated separable data: quality, ONNX export against ONNX Runtime, determinism. */
class CnnTrainerTest {
    private static final ModelSpec DEFAULTS = MlpTrainer.spec(new Hyperparameters(12, 4, 32, 32, 0.01f, 42));

    @Test
    void nativeArraysDoNotAccumulateAcrossEpochs() {
        TrainingData data = Synthetic.timeSeries(3, 3, 32, 120, 30, 30);
        // patience = epochs: all 8 epochs run, whatever the validation loss does
        ModelSpec spec = ModelSpec.builder(Architecture.CNN1D, List.of(8, 16))
                .epochs(8, 8)
                .batchSize(16)
                .learningRate(0.01)
                .optimizer(ModelSpec.OptimizerKind.ADAM)
                .schedule(ModelSpec.Schedule.COSINE)
                .seed(3)
                .build();
        InputLayout layout = InputLayout.resolve(DataKind.TIMESERIES, List.of(3, 32), 96, spec.architecture());
        List<Integer> live = new ArrayList<>();
        try (TrainedModel model = new ClassifierTrainer(spec, layout, data.classLabels())
                .onEpochNativeArrays(live::add)
                .train(data)) {
            assertEquals(8, model.epochs());
        }
        assertEquals(8, live.size());
        // the first epoch creates the optimizer state and the best-weights snapshot; after that nothing may pile up
        // (a batch that leaked would add arrays every epoch: dozens per epoch here)
        assertEquals(
                List.of(live.get(1)), live.subList(1, 8).stream().distinct().toList(), live.toString());
    }

    @Test
    void cnn1dLearnsSinePatternsAndOnnxRuntimeReproducesIt() throws Exception {
        TrainingData data = Synthetic.timeSeries(3, 3, 64, 240, 60, 90);
        ModelSpec spec = ModelSpec.resolve(TrainingSpec.getDefaultInstance(), DataKind.TIMESERIES, DEFAULTS);
        assertEquals(Architecture.CNN1D, spec.architecture());
        InputLayout layout = InputLayout.resolve(DataKind.TIMESERIES, List.of(3, 64), 192, spec.architecture());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, data.classLabels()).train(data)) {
            // chance is 1/3
            assertTrue(
                    model.test().accuracy() > 0.85,
                    "test accuracy " + model.test().accuracy());
            assertEquals(
                    "cnn1d(3x64-conv16-relu-pool2-conv32-relu-pool2-gap-3)-softmax,standardized", model.architecture());
            // conv 16*3*3+16, conv 32*16*3+32, dense 3*32+3
            assertEquals(160 + 1568 + 99, model.parameterCount());
            assertMatchesOnnxRuntime(model, data.test(), new long[] {-1, 3, 64});
        }
    }

    @Test
    void cnn2dLearnsShapesAndOnnxRuntimeReproducesIt() throws Exception {
        TrainingData data = Synthetic.images(5, 8, 300, 90, 90);
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder().setMaxEpochs(20).setPatience(6).build(), DataKind.IMAGE, DEFAULTS);
        InputLayout layout = InputLayout.resolve(DataKind.IMAGE, List.of(1, 8, 8), 64, spec.architecture());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, data.classLabels()).train(data)) {
            assertTrue(
                    model.test().accuracy() > 0.8,
                    "test accuracy " + model.test().accuracy());
            assertEquals(3, model.test().perClass().size());
            assertMatchesOnnxRuntime(model, data.test(), new long[] {-1, 1, 8, 8});
        }
    }

    @Test
    void sameDataAndSpecGiveTheSameModelAndMetrics() {
        TrainingData data = Synthetic.timeSeries(9, 2, 32, 90, 30, 30);
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder()
                        .setMaxEpochs(3)
                        .addHiddenUnits(8)
                        .setOptimizer("sgd")
                        .setSeed(7)
                        .build(),
                DataKind.TIMESERIES,
                DEFAULTS);
        InputLayout layout = InputLayout.resolve(DataKind.TIMESERIES, List.of(2, 32), 64, spec.architecture());
        List<EpochStats> seen = new ArrayList<>();
        try (TrainedModel a = new ClassifierTrainer(spec, layout, data.classLabels())
                        .onEpoch(seen::add)
                        .train(data);
                TrainedModel b = new ClassifierTrainer(spec, layout, data.classLabels()).train(data)) {
            assertEquals(a.history(), b.history());
            assertEquals(a.history(), seen, "the listener saw every epoch");
            assertEquals(a.test().accuracy(), b.test().accuracy(), 0);
            assertEquals(a.test().loss(), b.test().loss(), 0);
            float[][] pa = a.predictProbabilities(data.test().features());
            float[][] pb = b.predictProbabilities(data.test().features());
            for (int i = 0; i < pa.length; i++) {
                assertArrayEquals(pa[i], pb[i], 0f);
            }
        }
    }

    @Test
    void shapesThatDoNotFitAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> InputLayout.resolve(DataKind.TIMESERIES, List.of(3, 10), 31, Architecture.CNN1D));
        assertThrows(
                IllegalArgumentException.class,
                () -> InputLayout.resolve(DataKind.IMAGE, List.of(), 10, Architecture.CNN2D));
        assertArrayEquals(
                new int[] {1, 4, 4},
                InputLayout.resolve(DataKind.IMAGE, List.of(), 16, Architecture.CNN2D)
                        .shape());
        assertArrayEquals(
                new int[] {12},
                InputLayout.resolve(DataKind.TIMESERIES, List.of(3, 4), 12, Architecture.MLP)
                        .shape());
        List<FieldProblem> problems = ModelSpec.problems(
                TrainingSpec.newBuilder()
                        .setArchitecture("rnn")
                        .addHiddenUnits(0)
                        .setOptimizer("lbfgs")
                        .setLearningRate(-1)
                        .build(),
                "spec.");
        assertEquals(
                List.of("spec.architecture", "spec.hiddenUnits[0]", "spec.learningRate", "spec.optimizer"),
                problems.stream().map(FieldProblem::field).toList());
    }

    static void assertMatchesOnnxRuntime(TrainedModel model, SplitData split, long[] expectedShape) throws Exception {
        byte[] onnx = model.exportOnnx("synthetic", Map.of("snapshot_id", "synthetic@v1"));
        float[][] samples = split.features();
        float[][] djl = model.predictProbabilities(samples);
        int width = samples[0].length;
        float[] flat = new float[samples.length * width];
        for (int i = 0; i < samples.length; i++) {
            System.arraycopy(samples[i], 0, flat, i * width, width);
        }
        long[] shape = expectedShape.clone();
        shape[0] = samples.length;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, opts);
                    OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), shape);
                    OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
                long[] inShape = ((TensorInfo)
                                session.getInputInfo().get(OnnxExporter.INPUT).getInfo())
                        .getShape();
                assertArrayEquals(expectedShape, inShape);
                Map<String, String> meta = session.getMetadata().getCustomMetadata();
                assertEquals(String.join(",", model.classLabels()), meta.get("class_labels"));
                assertEquals(Long.toString(model.parameterCount()), meta.get("parameter_count"));
                float[][] ort = (float[][])
                        result.get(OnnxExporter.OUTPUT).orElseThrow().getValue();
                double maxDiff = 0;
                for (int i = 0; i < samples.length; i++) {
                    for (int c = 0; c < ort[i].length; c++) {
                        maxDiff = Math.max(maxDiff, Math.abs(ort[i][c] - djl[i][c]));
                    }
                }
                assertTrue(maxDiff < 1e-4, "max |ORT - DJL| = " + maxDiff);
            }
        }
    }
}
