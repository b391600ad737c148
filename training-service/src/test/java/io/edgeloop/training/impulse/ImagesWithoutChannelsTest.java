package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.augment.Augmenter;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The image block on samples that are not [channels, height, width]: grayscale [height, width] images and flat rows
 * of a square number of pixels (a {@code features} data set) are one-channel images. The model takes the data set's
 * own sample shape (the graph reshapes it), trains a 2D-CNN behind the block, and runs in ONNX Runtime on the raw
 * samples; pixels of a {@code features} data set are augmented as images.
 */
class ImagesWithoutChannelsTest {
    static final int SIDE = ImageImpulseTrainingTest.SIDE;

    @Test
    void grayscaleImagesWithoutAChannelAxisTrainBehindTheImageBlock() throws Exception {
        TrainingData data = grayShapes(31);
        try (TrainedModel model = train(data, DataKind.IMAGE, List.of(SIDE, SIDE))) {
            assertTrue(model.architecture().startsWith("image(1x40x40->1x20x20)+cnn2d"), model.architecture());
            assertEquals(List.of(SIDE, SIDE), model.inputShape(), "the model takes the [H, W] image");
            checkTrainedAndRunOnRawPixels(model, data);
        }
    }

    @Test
    void aFlatFeatureDataSetOfSquareImagesTrainsBehindTheImageBlock() throws Exception {
        TrainingData data = grayShapes(32);
        try (TrainedModel model = train(data, DataKind.FEATURES, List.of())) {
            assertEquals(Architecture.CNN2D, model.spec().architecture(), "an image block defaults to a 2D-CNN");
            assertEquals(List.of(SIDE * SIDE), model.inputShape(), "the model takes the flat row of pixels");
            checkTrainedAndRunOnRawPixels(model, data);
        }
    }

    @Test
    void theBlockOnOneChannelImagesComputesTheSameFeaturesInJavaAndInTheGraph() throws Exception {
        ImpulseConfig c = ImpulseConfig.resolve(ImpulseSpec.newBuilder()
                .setBlock("image")
                .setImageHeight(9)
                .setImageWidth(7)
                .setCropHeight(8)
                .setCropWidth(6)
                .addChannelMean(0.5)
                .addChannelStd(0.25)
                .build());
        Random r = new Random(3);
        float[][] images = new float[20][12 * 10];
        for (float[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = r.nextFloat();
            }
        }
        ProcessingBlock channels = ProcessingBlock.create(c, new int[] {1, 12, 10});
        for (int[] shape : new int[][] {{12, 10}, {1, 12, 10}}) {
            ProcessingBlock block = ProcessingBlock.create(c, shape);
            assertArrayEquals(new int[] {1, 8, 6}, block.outputShape());
            assertArrayEquals(shape, block.inputShape(), "the block takes the data set's shape");
            float[][] graph = OrtBlocks.run(block.standaloneModel(), "window", images, shape);
            float[][] java = block.apply(images);
            for (int i = 0; i < images.length; i++) {
                assertArrayEquals(channels.apply(images[i]), java[i], "the same as a [1, H, W] image");
                for (int j = 0; j < java[i].length; j++) {
                    assertEquals(
                            java[i][j], graph[i][j], ProcessingBlockParityTest.TOLERANCE * Math.max(1, java[i][j]));
                }
            }
        }
        ProcessingBlock flat = ProcessingBlock.create(c, new int[] {144});
        assertArrayEquals(new int[] {1, 8, 6}, flat.outputShape(), "a flat square row is a 12 x 12 image");
        float[][] squares = new float[3][144];
        squares[1][17] = 1;
        squares[2][100] = 0.5f;
        float[][] graph = OrtBlocks.run(flat.standaloneModel(), "window", squares, new int[] {144});
        for (int i = 0; i < squares.length; i++) {
            float[] java = flat.apply(squares[i]);
            for (int j = 0; j < java.length; j++) {
                assertEquals(java[j], graph[i][j], ProcessingBlockParityTest.TOLERANCE * Math.max(1, java[j]));
            }
        }
    }

    @Test
    void pixelsOfAFeatureDataSetAreAugmentedAsImagesAndBadShapesAreNamed() {
        TrainingSpec shifted = spec().toBuilder()
                .setAugmentation(AugmentationSpec.newBuilder().setShiftPixels(3).setRotationDegrees(10))
                .build();
        assertEquals(List.of(), Augmenter.fitProblems(shifted, "features", List.of(), SIDE * SIDE, "spec."));
        assertEquals(
                List.of("spec.augmentation.shiftPixels"),
                fields(Augmenter.fitProblems(
                        shifted.toBuilder()
                                .setAugmentation(AugmentationSpec.newBuilder().setShiftPixels(8))
                                .build(),
                        "features",
                        List.of(8, 8),
                        64,
                        "spec.")));
        assertEquals(
                List.of("spec.impulse.block"), fields(ProcessingBlock.fitProblems(spec(), List.of(), 50, "spec.")));
        TrainingSpec gray = spec().toBuilder()
                .setImpulse(spec().getImpulse().toBuilder().setGrayscale(true))
                .build();
        assertEquals(
                List.of("spec.impulse.grayscale"),
                fields(ProcessingBlock.fitProblems(gray, List.of(SIDE, SIDE), SIDE * SIDE, "spec.")));
        assertEquals(
                List.of("spec.impulse.cropHeight"),
                fields(ProcessingBlock.fitProblems(
                        TrainingSpec.newBuilder()
                                .setImpulse(ImpulseSpec.newBuilder()
                                        .setBlock("image")
                                        .setCropHeight(9)
                                        .setCropWidth(2))
                                .build(),
                        List.of(64),
                        64,
                        "spec.")));
    }

    private static TrainedModel train(TrainingData data, DataKind kind, List<Integer> shape) {
        ModelSpec spec = ModelSpec.resolve(
                spec(),
                kind,
                ModelSpec.builder(Architecture.MLP, List.of(32)).seed(42).build());
        return ClassifierTrainer.forSamples(spec, kind, shape, data.featureCount(), data.classLabels())
                .train(data);
    }

    private static void checkTrainedAndRunOnRawPixels(TrainedModel model, TrainingData data) throws Exception {
        assertEquals(List.of(1, 20, 20), model.layout().shapeList(), "the network sees the block's output");
        assertTrue(
                model.test().accuracy() >= 0.85,
                "DJL test accuracy " + model.test().accuracy());
        double ort = RawWindowRuns.accuracy(model, data.test());
        assertTrue(ort >= 0.85, "ONNX Runtime accuracy on the raw pixels " + ort);
    }

    /** Scale 40 x 40 to 20 x 20, normalise, a 2D-CNN [16, 32]. */
    private static TrainingSpec spec() {
        return TrainingSpec.newBuilder()
                .setMaxEpochs(25)
                .setPatience(25)
                .setBatchSize(16)
                .addAllHiddenUnits(List.of(16, 32))
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("image")
                        .setImageHeight(20)
                        .setImageWidth(20)
                        .addChannelMean(0.3)
                        .addChannelStd(0.3))
                .build();
    }

    /** {@link ImageImpulseTrainingTest#image} shapes as grayscale [40, 40] (the mean of the colour channels). */
    static TrainingData grayShapes(long seed) {
        Random r = new Random(seed);
        return new TrainingData(
                split(r, 300), split(r, 90), split(r, 150), ImageImpulseTrainingTest.SHAPES, SIDE * SIDE);
    }

    private static SplitData split(Random r, int n) {
        float[][] x = new float[n][SIDE * SIDE];
        int[] y = new int[n];
        int plane = SIDE * SIDE;
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            float[] rgb = ImageImpulseTrainingTest.image(r, y[i]);
            for (int p = 0; p < plane; p++) {
                x[i][p] = (rgb[p] + rgb[plane + p] + rgb[2 * plane + p]) / 3;
            }
        }
        return new SplitData(x, y);
    }

    private static List<String> fields(List<FieldProblem> problems) {
        return problems.stream().map(FieldProblem::field).toList();
    }
}
