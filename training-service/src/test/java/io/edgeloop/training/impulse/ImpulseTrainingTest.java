package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.testsupport.Tones;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Impulses end to end: synthetic tones and a chirp (plus noise) -> a spectral or MFCC block -> a small network
 * trained with DJL; the exported ONNX model, run by ONNX Runtime on raw windows, classifies held-out windows and
 * reproduces DJL's probabilities.
 */
class ImpulseTrainingTest {
    static final List<String> CLASSES = List.of("low", "mid", "high", "chirp");

    @Test
    void spectralImpulseOnThreeAxesTrainsAndRunsOnRawWindowsInOnnxRuntime() throws Exception {
        // accelerometer-like: 3 axes x 128 samples at 100 Hz, tones of 4, 13, 31 Hz and a 3 -> 40 Hz chirp
        TrainingData data = tones(11, 100, 3, 128, new double[] {4, 13, 31}, 3, 40);
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setMaxEpochs(25)
                .setPatience(25)
                .setBatchSize(16)
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("spectral")
                        .setSampleRateHz(100)
                        .setBands(8))
                .build();
        ModelSpec spec = ModelSpec.resolve(requested, DataKind.TIMESERIES, defaults());
        assertEquals(Architecture.MLP, spec.architecture(), "a spectral impulse defaults to an MLP");
        checkTrainedAndExported(spec, data, List.of(3, 128), 3 * (3 + 8));
    }

    @Test
    void mfccImpulseTrainsA1dCnnOverFramesAndRunsOnRawWindowsInOnnxRuntime() throws Exception {
        // audio-like: one axis of 256 samples at 1 kHz, tones of 70, 160, 330 Hz and a 50 -> 450 Hz chirp
        TrainingData data = tones(12, 1000, 1, 256, new double[] {70, 160, 330}, 50, 450);
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setMaxEpochs(25)
                .setPatience(25)
                .setBatchSize(16)
                .addAllHiddenUnits(List.of(16, 16))
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("mfcc")
                        .setSampleRateHz(1000)
                        .setFrameLength(64)
                        .setCoefficients(12))
                .build();
        ModelSpec spec = ModelSpec.resolve(requested, DataKind.TIMESERIES, defaults());
        assertEquals(Architecture.CNN1D, spec.architecture(), "mfcc defaults to a 1D-CNN over frames");
        // flat [256] windows; 7 frames x 12 coefficients
        checkTrainedAndExported(spec, data, List.of(), 12 * 7);
    }

    private static void checkTrainedAndExported(ModelSpec spec, TrainingData data, List<Integer> shape, int features)
            throws Exception {
        try (TrainedModel model = ClassifierTrainer.forSamples(
                        spec, DataKind.TIMESERIES, shape, data.featureCount(), data.classLabels())
                .train(data)) {
            assertNotNull(model.processing());
            assertEquals(features, model.layout().featureCount(), "the network sees the block's features");
            assertEquals(data.featureCount(), model.featureCount(), "the model takes raw windows");
            assertTrue(
                    model.test().accuracy() >= 0.9,
                    "DJL test accuracy " + model.test().accuracy());

            byte[] onnx = model.exportOnnx("impulse-test", Map.of());
            ModelProto proto = ModelProto.parseFrom(onnx);
            NodeProto first = proto.getGraph().getNode(0);
            assertTrue(first.getName().startsWith(ImpulseGraph.PREFIX), "the block leads the graph: " + first);
            int[] rawShape = model.processing().inputShape();
            assertEquals(
                    List.of(rawShape.length + 1),
                    List.of(proto.getGraph()
                            .getInput(0)
                            .getType()
                            .getTensorType()
                            .getShape()
                            .getDimCount()),
                    "the graph input is the raw window");

            SplitData test = data.test();
            // the graph truncated after the block (its features as the output) computes the Java features
            ModelProto.Builder truncated = proto.toBuilder();
            truncated
                    .getGraphBuilder()
                    .clearOutput()
                    .addOutput(ImpulseGraph.batchedFloat(
                            ImpulseGraph.PREFIX + "network_input",
                            model.layout().shape()));
            float[][] graphFeatures =
                    OrtBlocks.run(truncated.build().toByteArray(), "input", test.features(), rawShape);
            float[][] javaFeatures = model.processing().apply(test.features());
            for (int i = 0; i < javaFeatures.length; i++) {
                for (int j = 0; j < features; j++) {
                    double err = Math.abs(javaFeatures[i][j] - graphFeatures[i][j])
                            / Math.max(1, Math.abs(javaFeatures[i][j]));
                    assertTrue(
                            err <= ProcessingBlockParityTest.TOLERANCE,
                            "feature " + j + " of window " + i + ": " + err);
                }
            }
            float[][] ort = OrtBlocks.run(onnx, "input", test.features(), rawShape);
            float[][] djl = model.predictProbabilities(test.features());
            int correct = 0;
            double worst = 0;
            for (int i = 0; i < ort.length; i++) {
                correct += argmax(ort[i]) == test.labels()[i] ? 1 : 0;
                for (int c = 0; c < ort[i].length; c++) {
                    worst = Math.max(worst, Math.abs(ort[i][c] - djl[i][c]));
                }
            }
            double accuracy = (double) correct / ort.length;
            assertTrue(accuracy >= 0.9, "ONNX Runtime accuracy on raw windows " + accuracy);
            assertTrue(worst < 1e-3, "ONNX Runtime and DJL probabilities differ by " + worst);
        }
    }

    private static ModelSpec defaults() {
        return ModelSpec.builder(Architecture.MLP, List.of(32, 32)).seed(42).build();
    }

    /**
     * Windows of {@code axes} x {@code length} at {@code rate} Hz: class c < 3 is a tone of {@code freqs[c]}, class 3
     * a linear chirp from {@code chirpFrom} to {@code chirpTo}; random amplitude and phase on axis 0, half as strong on
     * axis 1, noise (sigma 0.4) everywhere and a 9.8 offset on axis 2.
     */
    static TrainingData tones(
            long seed, double rate, int axes, int length, double[] freqs, double chirpFrom, double chirpTo) {
        Random r = new Random(seed);
        return new TrainingData(
                split(r, 240, rate, axes, length, freqs, chirpFrom, chirpTo),
                split(r, 60, rate, axes, length, freqs, chirpFrom, chirpTo),
                split(r, 120, rate, axes, length, freqs, chirpFrom, chirpTo),
                CLASSES,
                axes * length);
    }

    private static SplitData split(
            Random r, int n, double rate, int axes, int length, double[] freqs, double chirpFrom, double chirpTo) {
        Tones.Windows w = new Tones(rate, axes, length, freqs, chirpFrom, chirpTo).windows(r, n);
        return new SplitData(w.x(), w.y());
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
