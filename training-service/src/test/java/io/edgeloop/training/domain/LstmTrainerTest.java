package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The LSTM learning block: an LSTM over the steps of [C, L] windows learns sine vs square vs noise (the GRU's
 * fixture), and ONNX Runtime
 * (standard {@code LSTM} op, gates reordered from PyTorch's i, f, g, o to ONNX's i, o, f, c) reproduces DJL's
 * probabilities within 1e-4.
 */
class LstmTrainerTest {
    private static final ModelSpec DEFAULTS =
            ModelSpec.builder(Architecture.MLP, List.of(32, 32)).build();

    @Test
    void lstmLearnsSineSquareNoiseAndOnnxRuntimeReproducesIt() throws Exception {
        TrainingData data = GruTrainerTest.signals(21, 2, 48, 240, 60, 90);
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder()
                        .setArchitecture("lstm")
                        .addHiddenUnits(16)
                        .setMaxEpochs(25)
                        .setPatience(25)
                        .setBatchSize(16)
                        .build(),
                DataKind.TIMESERIES,
                DEFAULTS);
        assertEquals(Architecture.LSTM, spec.architecture());
        InputLayout layout = InputLayout.resolve(DataKind.TIMESERIES, List.of(2, 48), 96, spec.architecture());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, data.classLabels()).train(data)) {
            System.out.printf(
                    "lstm sine/square/noise: test accuracy %.3f%n", model.test().accuracy());
            assertTrue(
                    model.test().accuracy() >= 0.9,
                    "test accuracy " + model.test().accuracy());
            assertEquals("lstm(2x48-lstm16-last-3)-softmax,standardized", model.architecture());
            // lstm 4*16*(2+16) + 2*4*16, dense 3*16+3
            assertEquals(1152 + 128 + 51, model.parameterCount());
            CnnTrainerTest.assertMatchesOnnxRuntime(model, data.test(), new long[] {-1, 2, 48});
            ModelProto proto = ModelProto.parseFrom(model.exportOnnx("lstm", Map.of()));
            NodeProto lstm = proto.getGraph().getNodeList().stream()
                    .filter(n -> n.getOpType().equals("LSTM"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(
                    16,
                    lstm.getAttributeList().stream()
                            .filter(a -> a.getName().equals("hidden_size"))
                            .findFirst()
                            .orElseThrow()
                            .getI());
            TensorProto b = proto.getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().equals(lstm.getInput(3)))
                    .findFirst()
                    .orElseThrow();
            assertEquals(List.of(1L, 8L * 16), b.getDimsList(), "B = [Wb, Rb] of 4 gates each");
        }
    }

    @Test
    void stackedLstmOnWildInputsAndAfterAnMfeImpulseMatchesOnnxRuntime() throws Exception {
        TrainingData data = GruTrainerTest.signals(5, 1, 40, 60, 30, 60);
        ModelSpec spec = ModelSpec.builder(Architecture.LSTM, List.of(8, 6))
                .epochs(1, 1)
                .batchSize(16)
                .seed(9)
                .build();
        InputLayout layout = InputLayout.resolve(DataKind.TIMESERIES, List.of(), 40, spec.architecture());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, data.classLabels()).train(data)) {
            assertEquals("lstm(1x40-lstm8-lstm6-last-3)-softmax,standardized", model.architecture());
            Random r = new Random(3);
            float[][] wild = new float[50][40];
            for (float[] row : wild) {
                for (int t = 0; t < row.length; t++) {
                    row[t] = (float) (3 * r.nextGaussian());
                }
            }
            CnnTrainerTest.assertMatchesOnnxRuntime(
                    model, new SplitData(wild, new int[wild.length]), new long[] {-1, 1, 40});
        }
        TrainingData audio = GruTrainerTest.signals(8, 1, 128, 120, 30, 60);
        ModelSpec mfe = ModelSpec.resolve(
                TrainingSpec.newBuilder()
                        .setArchitecture("lstm")
                        .addHiddenUnits(12)
                        .setMaxEpochs(3)
                        .setImpulse(ImpulseSpec.newBuilder()
                                .setBlock("mfe")
                                .setSampleRateHz(1000)
                                .setFrameLength(32)
                                .setMelFilters(8))
                        .build(),
                DataKind.TIMESERIES,
                DEFAULTS);
        try (TrainedModel model = ClassifierTrainer.forSamples(
                        mfe, DataKind.TIMESERIES, List.of(1, 128), 128, audio.classLabels())
                .train(audio)) {
            assertArrayEquals(new int[] {8, 7}, model.layout().shape());
            assertTrue(model.architecture().contains("lstm(8x7-lstm12-last-3)"), model.architecture());
            CnnTrainerTest.assertMatchesOnnxRuntime(model, audio.test(), new long[] {-1, 1, 128});
        }
    }

    @Test
    void pytorchLstmGateBlocksAreReorderedForOnnx() {
        // hidden 1, width 2: PyTorch rows i, f, g, o -> ONNX i, o, f, c
        float[] pytorch = {1, 1, 2, 2, 3, 3, 4, 4};
        assertArrayEquals(new float[] {1, 1, 4, 4, 2, 2, 3, 3}, OnnxExporter.onnxLstmGates(pytorch, 1, 2));
    }

    @Test
    void lstmNeedsChannelsAndSteps() {
        assertEquals(
                List.of("spec.architecture"),
                ModelSpec.shapeProblems(
                                TrainingSpec.newBuilder()
                                        .setArchitecture("lstm")
                                        .build(),
                                "image",
                                List.of(1, 8, 8),
                                64,
                                "spec.")
                        .stream()
                        .map(FieldProblem::field)
                        .toList());
    }
}
