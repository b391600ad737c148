package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
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
 * An image impulse end to end: generated colour images (3 x 40 x 40) of a filled square, a disc or a cross in a random
 * colour, size and position on a noisy background -> the image block (scale to 24 x 24, centre crop 20 x 20,
 * grayscale, normalisation) -> a 2D-CNN trained with DJL; the exported ONNX model, run by ONNX Runtime on the raw
 * colour images, classifies held-out images and reproduces DJL's probabilities, and its block computes the Java
 * features.
 */
class ImageImpulseTrainingTest {
    static final List<String> SHAPES = List.of("square", "disc", "cross");
    static final int SIDE = 40;

    @Test
    void imageBlockAndCnn2dTrainOnColourShapesAndRunOnRawImagesInOnnxRuntime() throws Exception {
        TrainingData data = shapes(21, 450, 120, 240);
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setMaxEpochs(30)
                .setPatience(30)
                .setBatchSize(16)
                .addAllHiddenUnits(List.of(16, 32))
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("image")
                        .setImageHeight(24)
                        .setImageWidth(24)
                        .setCropHeight(20)
                        .setCropWidth(20)
                        .setGrayscale(true)
                        .addChannelMean(0.4)
                        .addChannelStd(0.3))
                .build();
        ModelSpec spec = ModelSpec.resolve(
                requested,
                DataKind.IMAGE,
                ModelSpec.builder(Architecture.MLP, List.of(32)).seed(42).build());
        assertEquals(Architecture.CNN2D, spec.architecture());
        try (TrainedModel model = ClassifierTrainer.forSamples(
                        spec, DataKind.IMAGE, List.of(3, SIDE, SIDE), data.featureCount(), data.classLabels())
                .train(data)) {
            assertEquals(List.of(1, 20, 20), model.layout().shapeList(), "the network sees the block's output");
            assertTrue(model.architecture().startsWith("image(3x40x40->1x20x20)+cnn2d"), model.architecture());
            assertTrue(
                    model.test().accuracy() >= 0.9,
                    "DJL test accuracy " + model.test().accuracy());

            byte[] onnx = model.exportOnnx("image-impulse-test", Map.of());
            ModelProto proto = ModelProto.parseFrom(onnx);
            assertTrue(proto.getGraph().getNode(0).getName().startsWith(ImpulseGraph.PREFIX), "the block leads");
            SplitData test = data.test();
            int[] raw = {3, SIDE, SIDE};
            ModelProto.Builder truncated = proto.toBuilder();
            truncated
                    .getGraphBuilder()
                    .clearOutput()
                    .addOutput(ImpulseGraph.batchedFloat(ImpulseGraph.PREFIX + "network_input", new int[] {1, 20, 20}));
            float[][] graphFeatures = OrtBlocks.run(truncated.build().toByteArray(), "input", test.features(), raw);
            float[][] javaFeatures = model.processing().apply(test.features());
            for (int i = 0; i < javaFeatures.length; i++) {
                for (int j = 0; j < javaFeatures[i].length; j++) {
                    double err = Math.abs(javaFeatures[i][j] - graphFeatures[i][j])
                            / Math.max(1, Math.abs(javaFeatures[i][j]));
                    assertTrue(err <= ProcessingBlockParityTest.TOLERANCE, "feature " + j + " of image " + i);
                }
            }
            float[][] ort = OrtBlocks.run(onnx, "input", test.features(), raw);
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
            System.out.printf(
                    "image impulse: DJL test accuracy %.3f, ONNX Runtime %.3f, epochs %d%n",
                    model.test().accuracy(), accuracy, model.epochs());
            assertTrue(accuracy >= 0.9, "ONNX Runtime accuracy on raw colour images " + accuracy);
            assertTrue(worst < 1e-3, "ONNX Runtime and DJL probabilities differ by " + worst);
        }
    }

    /** Train / validation / test splits of {@link #image} images, classes in turn. */
    static TrainingData shapes(long seed, int train, int validation, int test) {
        Random r = new Random(seed);
        return new TrainingData(split(r, train), split(r, validation), split(r, test), SHAPES, 3 * SIDE * SIDE);
    }

    private static SplitData split(Random r, int n) {
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % SHAPES.size();
            x[i] = image(r, y[i]);
        }
        return new SplitData(x, y);
    }

    /**
     * One RGB image [3, 40, 40] in [0, 1]: a dark background of random colour, shape {@code c} (0 filled square, 1
     * disc, 2 cross of two bars) of half-size 7-12 pixels at a random centre in a bright random colour, gaussian
     * noise (sigma 0.08) on every value.
     */
    static float[] image(Random r, int c) {
        float[] img = new float[3 * SIDE * SIDE];
        float[] background = {0.1f * r.nextFloat(), 0.15f * r.nextFloat(), 0.1f * r.nextFloat()};
        float[] colour = {0.5f + 0.5f * r.nextFloat(), 0.5f + 0.5f * r.nextFloat(), 0.3f + 0.7f * r.nextFloat()};
        int half = 7 + r.nextInt(6);
        int cy = half + r.nextInt(SIDE - 2 * half);
        int cx = half + r.nextInt(SIDE - 2 * half);
        int bar = Math.max(2, half / 3);
        for (int h = 0; h < SIDE; h++) {
            for (int w = 0; w < SIDE; w++) {
                int dy = h - cy;
                int dx = w - cx;
                boolean inside = switch (c) {
                    case 0 -> Math.abs(dy) <= half && Math.abs(dx) <= half;
                    case 1 -> dy * dy + dx * dx <= half * half;
                    default ->
                        (Math.abs(dy) <= bar && Math.abs(dx) <= half) || (Math.abs(dx) <= bar && Math.abs(dy) <= half);
                };
                for (int ch = 0; ch < 3; ch++) {
                    float v = inside ? colour[ch] : background[ch];
                    img[(ch * SIDE + h) * SIDE + w] = (float) (v + 0.08 * r.nextGaussian());
                }
            }
        }
        return img;
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
