package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The recurrent architecture: a GRU over the steps of [C, L] windows learns sine vs square vs noise, and ONNX Runtime
 * (standard {@code GRU} op, gates reordered) reproduces DJL's forward pass within 1e-4.
 */
class GruTrainerTest {
    static final List<String> SIGNALS = List.of("sine", "square", "noise");
    private static final ModelSpec DEFAULTS =
            ModelSpec.builder(Architecture.MLP, List.of(32, 32)).build();

    @Test
    void gruLearnsSineSquareNoiseAndOnnxRuntimeReproducesIt() throws Exception {
        TrainingData data = signals(21, 2, 48, 240, 60, 90);
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder()
                        .setArchitecture("gru")
                        .addHiddenUnits(16)
                        .setMaxEpochs(15)
                        .setPatience(15)
                        .setBatchSize(16)
                        .build(),
                DataKind.TIMESERIES,
                DEFAULTS);
        assertEquals(Architecture.GRU, spec.architecture());
        InputLayout layout = InputLayout.resolve(DataKind.TIMESERIES, List.of(2, 48), 96, spec.architecture());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, data.classLabels()).train(data)) {
            assertTrue(
                    model.test().accuracy() >= 0.9,
                    "test accuracy " + model.test().accuracy());
            assertEquals("gru(2x48-gru16-last-3)-softmax,standardized", model.architecture());
            // gru 3*16*(2+16) + 2*3*16, dense 3*16+3
            assertEquals(864 + 96 + 51, model.parameterCount());
            CnnTrainerTest.assertMatchesOnnxRuntime(model, data.test(), new long[] {-1, 2, 48});
            NodeProto gru =
                    ModelProto.parseFrom(model.exportOnnx("gru", java.util.Map.of())).getGraph().getNodeList().stream()
                            .filter(n -> n.getOpType().equals("GRU"))
                            .findFirst()
                            .orElseThrow();
            assertEquals(1, attribute(gru, "linear_before_reset").getI());
            assertEquals(16, attribute(gru, "hidden_size").getI());
        }
    }

    @Test
    void stackedGruOnFlatWindowsMatchesOnnxRuntimeBeforeItSaturates() throws Exception {
        // one epoch, two GRU layers of different widths, flat [40] windows = [1, 40]: probabilities far from 0/1
        TrainingData data = signals(5, 1, 40, 60, 30, 60);
        ModelSpec spec = ModelSpec.builder(Architecture.GRU, List.of(8, 6))
                .epochs(1, 1)
                .batchSize(16)
                .seed(9)
                .build();
        InputLayout layout = InputLayout.resolve(DataKind.TIMESERIES, List.of(), 40, spec.architecture());
        assertArrayEquals(new int[] {1, 40}, layout.shape());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, data.classLabels()).train(data)) {
            assertEquals("gru(1x40-gru8-gru6-last-3)-softmax,standardized", model.architecture());
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
    }

    @Test
    void gruFollowsAnMfeImpulseOverFrames() throws Exception {
        TrainingData data = signals(8, 1, 128, 120, 30, 60);
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setArchitecture("gru")
                .addHiddenUnits(12)
                .setMaxEpochs(4)
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(1000)
                        .setFrameLength(32)
                        .setMelFilters(8))
                .build();
        assertEquals(List.of(), ModelSpec.problems(requested, "spec."));
        ModelSpec spec = ModelSpec.resolve(requested, DataKind.TIMESERIES, DEFAULTS);
        try (TrainedModel model = ClassifierTrainer.forSamples(
                        spec, DataKind.TIMESERIES, List.of(1, 128), 128, data.classLabels())
                .train(data)) {
            // 8 mel rows x 7 frames: the GRU runs over the 7 frames
            assertArrayEquals(new int[] {8, 7}, model.layout().shape());
            assertTrue(model.architecture().contains("gru(8x7-gru12-last-3)"), model.architecture());
            CnnTrainerTest.assertMatchesOnnxRuntime(model, data.test(), new long[] {-1, 1, 128});
        }
    }

    @Test
    void gruNeedsChannelsAndSteps() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> InputLayout.resolve(DataKind.IMAGE, List.of(1, 8, 8), 64, Architecture.GRU));
        assertTrue(e.getMessage().startsWith("gru needs samples of shape [channels, steps]"), e.getMessage());
        List<FieldProblem> unfit = ModelSpec.shapeProblems(
                TrainingSpec.newBuilder().setArchitecture("gru").build(), "image", List.of(1, 8, 8), 64, "spec.");
        assertEquals(
                List.of("spec.architecture"),
                unfit.stream().map(FieldProblem::field).toList());
        assertEquals(
                List.of(),
                ModelSpec.shapeProblems(
                        TrainingSpec.newBuilder().setArchitecture("gru").build(),
                        "timeseries",
                        List.of(3, 20),
                        60,
                        "spec."));
    }

    @Test
    void pytorchGateBlocksAreReorderedForOnnx() {
        // hidden 1, width 2: PyTorch rows r, z, n -> ONNX z, r, h
        float[] pytorch = {1, 1, 2, 2, 3, 3};
        assertArrayEquals(new float[] {2, 2, 1, 1, 3, 3}, OnnxExporter.onnxGates(pytorch, 1, 2));
    }

    private static AttributeProto attribute(NodeProto n, String name) {
        return n.getAttributeList().stream()
                .filter(a -> a.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Windows of {@code channels} x {@code steps}: a sine (random period 8-24 steps, phase, amplitude), a square wave
     * of the same kind, or gaussian noise of the same power; channel 1 carries half the signal; noise sigma 0.2.
     */
    static TrainingData signals(long seed, int channels, int steps, int train, int val, int test) {
        Random r = new Random(seed);
        return new TrainingData(
                signalSplit(r, channels, steps, train),
                signalSplit(r, channels, steps, val),
                signalSplit(r, channels, steps, test),
                SIGNALS,
                channels * steps);
    }

    private static SplitData signalSplit(Random r, int channels, int steps, int n) {
        float[][] x = new float[n][channels * steps];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % SIGNALS.size();
            y[i] = c;
            double period = 8 + 16 * r.nextDouble();
            double phase = 2 * Math.PI * r.nextDouble();
            double amp = 0.7 + 0.6 * r.nextDouble();
            for (int t = 0; t < steps; t++) {
                double sine = Math.sin(2 * Math.PI * t / period + phase);
                double s = switch (c) {
                    case 0 -> sine;
                    case 1 -> Math.signum(sine);
                    default -> 0.8 * r.nextGaussian();
                };
                for (int ch = 0; ch < channels; ch++) {
                    x[i][ch * steps + t] = (float) (amp * s * (ch == 0 ? 1 : 0.5) + 0.2 * r.nextGaussian());
                }
            }
        }
        return new SplitData(x, y);
    }
}
