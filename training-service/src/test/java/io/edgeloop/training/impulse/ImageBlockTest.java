package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the image block computes (known values), its validation and the shapes it refuses, each naming the field. */
class ImageBlockTest {
    private static ProcessingBlock block(ImpulseSpec.Builder s, int... shape) {
        return ProcessingBlock.create(ImpulseConfig.resolve(s.setBlock("image").build()), shape);
    }

    private static List<String> fields(TrainingSpec.Builder s) {
        return ModelSpec.problems(s.build(), "spec.").stream()
                .map(FieldProblem::field)
                .toList();
    }

    @Test
    void upscalingIsBilinearWithHalfPixelCentresAndClampedEdges() {
        // one row [0, 1] -> 4 columns: centres at 0.25, 0.75, 1.25, 1.75 input pixels
        float[] out = block(ImpulseSpec.newBuilder().setImageHeight(1).setImageWidth(4), 1, 1, 2)
                .apply(new float[] {0, 1});
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, out, 1e-6f);
    }

    @Test
    void shrinkingAveragesWithAWidenedTriangleAndKeepsAConstantImage() {
        // 4 -> 2: output 0 is centred at input 1.0 and weighs pixels 0, 1, 2 by 0.75, 0.75, 0.25 (normalised)
        float[] out = block(ImpulseSpec.newBuilder().setImageHeight(1).setImageWidth(2), 1, 1, 4)
                .apply(new float[] {1, 2, 3, 4});
        assertEquals((0.75 * 1 + 0.75 * 2 + 0.25 * 3) / 1.75, out[0], 1e-6);
        assertEquals((0.25 * 2 + 0.75 * 3 + 0.75 * 4) / 1.75, out[1], 1e-6);
        float[] constant = new float[3 * 17 * 23];
        java.util.Arrays.fill(constant, 0.7f);
        for (float v : block(ImpulseSpec.newBuilder().setImageHeight(5).setImageWidth(9), 3, 17, 23)
                .apply(constant)) {
            assertEquals(0.7f, v, 1e-6f);
        }
    }

    @Test
    void grayscaleIsLumaAndNormalisationFollowsPerChannel() {
        // 3 x 1 x 2: pixel 0 pure red, pixel 1 white
        float[] rgb = {1, 1, 0, 1, 0, 1};
        float[] luma =
                block(ImpulseSpec.newBuilder().setGrayscale(true), 3, 1, 2).apply(rgb);
        assertArrayEquals(new float[] {0.299f, 1f}, luma, 1e-6f);
        float[] normalised = block(
                        ImpulseSpec.newBuilder()
                                .addAllChannelMean(List.of(1.0, 0.0, 0.5))
                                .addAllChannelStd(List.of(2.0, 1.0, 0.5)),
                        3,
                        1,
                        2)
                .apply(rgb);
        assertArrayEquals(new float[] {0, 0, 0, 1, -1, 1}, normalised, 1e-6f);
    }

    @Test
    void centreCropKeepsTheMiddle() {
        float[] img = new float[16];
        for (int i = 0; i < 16; i++) {
            img[i] = i;
        }
        ProcessingBlock crop = block(ImpulseSpec.newBuilder().setCropHeight(2).setCropWidth(2), 1, 4, 4);
        assertArrayEquals(new int[] {1, 2, 2}, crop.outputShape());
        assertArrayEquals(new float[] {5, 6, 9, 10}, crop.apply(img), 1e-6f);
        assertEquals("image(1x4x4->1x2x2)", crop.describe());
    }

    @Test
    void invalidImageFieldsAreNamed() {
        assertEquals(
                List.of("spec.impulse.imageWidth", "spec.impulse.cropHeight"),
                fields(TrainingSpec.newBuilder()
                        .setImpulse(ImpulseSpec.newBuilder()
                                .setBlock("image")
                                .setImageHeight(16)
                                .setCropHeight(-3)
                                .setCropWidth(4))));
        assertEquals(
                List.of("spec.impulse.cropWidth", "spec.impulse.channelStd[1]"),
                fields(TrainingSpec.newBuilder()
                        .setImpulse(ImpulseSpec.newBuilder()
                                .setBlock("image")
                                .setImageHeight(16)
                                .setImageWidth(16)
                                .setCropHeight(16)
                                .setCropWidth(17)
                                .addAllChannelStd(List.of(1.0, 0.0)))));
        assertEquals(
                List.of("spec.impulse.fftLength", "spec.impulse.lowFrequencyHz"),
                fields(TrainingSpec.newBuilder()
                        .setImpulse(ImpulseSpec.newBuilder()
                                .setBlock("image")
                                .setFftLength(64)
                                .setLowFrequencyHz(3))));
        assertEquals(
                List.of("spec.impulse.imageHeight", "spec.impulse.grayscale"),
                fields(TrainingSpec.newBuilder()
                        .setImpulse(ImpulseSpec.newBuilder()
                                .setBlock("mfe")
                                .setSampleRateHz(100)
                                .setGrayscale(true)
                                .setImageHeight(4))));
        // a data set's rate, as data-service fills it in, is accepted and ignored
        assertEquals(
                List.of(),
                fields(TrainingSpec.newBuilder()
                        .setImpulse(ImpulseSpec.newBuilder().setBlock("image").setSampleRateHz(16000))));
    }

    @Test
    void imageBlockGoesWithCnn2dOrMlpOnly() {
        ImpulseSpec image = ImpulseSpec.newBuilder().setBlock("image").build();
        assertEquals(
                List.of(), fields(TrainingSpec.newBuilder().setImpulse(image).setArchitecture("cnn2d")));
        assertEquals(
                List.of(), fields(TrainingSpec.newBuilder().setImpulse(image).setArchitecture("mlp")));
        assertEquals(
                List.of("spec.architecture"),
                fields(TrainingSpec.newBuilder().setImpulse(image).setArchitecture("gru")));
        assertEquals(
                List.of("spec.architecture"),
                fields(TrainingSpec.newBuilder()
                        .setImpulse(ImpulseSpec.newBuilder().setBlock("mfcc").setSampleRateHz(100))
                        .setArchitecture("cnn2d")));
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder().setImpulse(image).build(),
                DataKind.IMAGE,
                ModelSpec.builder(Architecture.MLP, List.of(8)).build());
        assertEquals(Architecture.CNN2D, spec.architecture(), "an image block defaults to a 2D-CNN");
        ImpulseConfig c = ImpulseConfig.resolve(ImpulseSpec.newBuilder()
                .setBlock("image")
                .setImageHeight(8)
                .setImageWidth(9)
                .setCropHeight(6)
                .setCropWidth(7)
                .setGrayscale(true)
                .addChannelMean(0.5)
                .addChannelStd(0.2)
                .build());
        assertEquals(c, ImpulseConfig.resolve(c.toProto()), "round trip through the event spec");
    }

    @Test
    void shapesTheImageBlockCannotTakeNameTheField() {
        ImpulseConfig gray = ImpulseConfig.resolve(
                ImpulseSpec.newBuilder().setBlock("image").setGrayscale(true).build());
        assertEquals("grayscale", ProcessingBlock.shapeProblem(gray, List.of(1, 8, 8))[0]);
        assertNull(ProcessingBlock.shapeProblem(gray, List.of(3, 8, 8)));
        assertEquals("grayscale", ProcessingBlock.shapeProblem(gray, List.of(3, 64))[0], "[H, W]: one channel");
        ImpulseConfig plain =
                ImpulseConfig.resolve(ImpulseSpec.newBuilder().setBlock("image").build());
        assertEquals("block", ProcessingBlock.shapeProblem(plain, List.of(2, 3, 8, 8))[0]);
        String[] flat = ProcessingBlock.shapeProblem(plain, List.of(50));
        assertEquals("block", flat[0]);
        assertTrue(flat[1].contains("declare the image's shape with sampleShape"), flat[1]);
        ImpulseConfig crop = ImpulseConfig.resolve(ImpulseSpec.newBuilder()
                .setBlock("image")
                .setCropHeight(10)
                .setCropWidth(4)
                .build());
        assertEquals("cropHeight", ProcessingBlock.shapeProblem(crop, List.of(1, 8, 8))[0]);
        ImpulseConfig means = ImpulseConfig.resolve(ImpulseSpec.newBuilder()
                .setBlock("image")
                .addAllChannelMean(List.of(0.1, 0.2))
                .build());
        assertEquals("channelMean", ProcessingBlock.shapeProblem(means, List.of(3, 8, 8))[0]);
        assertEquals(
                List.of("spec.impulse.grayscale"),
                ProcessingBlock.fitProblems(
                                TrainingSpec.newBuilder()
                                        .setImpulse(gray.toProto())
                                        .build(),
                                List.of(1, 8, 8),
                                64,
                                "spec.")
                        .stream()
                        .map(FieldProblem::field)
                        .toList());
    }
}
