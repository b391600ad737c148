package io.edgeloop.training.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The augmentation transforms: shapes kept, statistics as configured, reproducible from the seed, inputs untouched. */
class AugmenterTest {
    private static final AugmentationConfig NOISE =
            config(AugmentationSpec.newBuilder().setNoiseStd(0.5));

    @Test
    void noiseIsScaledByEachFeaturesStdAndLeavesTheInputAlone() {
        // feature 0 has std 1, feature 1 std 10, feature 2 is constant
        Random r = new Random(1);
        float[][] rows = new float[4000][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {(float) r.nextGaussian(), (float) (10 * r.nextGaussian()), 7};
        }
        float[][] copy = deepCopy(rows);
        Augmenter a = Augmenter.create(NOISE, DataKind.FEATURES, new int[] {3}, rows, 42);
        float[][] out = a.apply(rows);
        assertTrue(Arrays.deepEquals(copy, rows), "the input is not modified");
        assertEquals(rows.length, out.length);
        double[] noiseStd = new double[3];
        for (int j = 0; j < 3; j++) {
            double sq = 0;
            for (int i = 0; i < rows.length; i++) {
                assertEquals(3, out[i].length);
                double d = out[i][j] - rows[i][j];
                sq += d * d;
            }
            noiseStd[j] = Math.sqrt(sq / rows.length);
        }
        assertEquals(0.5, noiseStd[0], 0.03);
        assertEquals(5.0, noiseStd[1], 0.3);
        assertEquals(0.0, noiseStd[2], 0.0, "a constant feature gets no noise");
    }

    @Test
    void sameSeedSameEpochsAndEveryEpochDrawsAnew() {
        float[][] windows = ramps(20, 2, 16);
        AugmentationConfig c = config(AugmentationSpec.newBuilder()
                .setNoiseStd(0.1)
                .setTimeShiftMax(5)
                .setGainMin(0.8)
                .setGainMax(1.2));
        int[] shape = {2, 16};
        Augmenter a = Augmenter.create(c, DataKind.TIMESERIES, shape, windows, 7);
        Augmenter b = Augmenter.create(c, DataKind.TIMESERIES, shape, windows, 7);
        Augmenter other = Augmenter.create(c, DataKind.TIMESERIES, shape, windows, 8);
        float[][] a1 = a.apply(windows);
        float[][] a2 = a.apply(windows);
        assertTrue(Arrays.deepEquals(a1, b.apply(windows)), "same seed, same first epoch");
        assertTrue(Arrays.deepEquals(a2, b.apply(windows)), "same seed, same second epoch");
        assertFalse(Arrays.deepEquals(a1, a2), "a new draw every epoch");
        assertFalse(Arrays.deepEquals(a1, other.apply(windows)), "another seed, other draws");
    }

    @Test
    void circularTimeShiftRotatesEveryChannelByTheSameAmount() {
        float[][] windows = ramps(50, 3, 12);
        AugmentationConfig c = config(AugmentationSpec.newBuilder().setTimeShiftMax(4));
        float[][] out = Augmenter.create(c, DataKind.TIMESERIES, new int[] {3, 12}, windows, 1)
                .apply(windows);
        java.util.Set<Integer> shifts = new java.util.HashSet<>();
        for (int i = 0; i < windows.length; i++) {
            int shift = shiftOf(windows[i], out[i], 3, 12, false);
            assertTrue(shift >= -4 && shift <= 4, "shift " + shift);
            shifts.add(shift);
        }
        assertTrue(shifts.size() > 5, "shifts drawn over the range: " + shifts);
    }

    @Test
    void zeroPaddedTimeShiftFillsWithZeros() {
        float[][] windows = ramps(50, 2, 10);
        AugmentationConfig c =
                config(AugmentationSpec.newBuilder().setTimeShiftMax(3).setTimeShiftMode("zero"));
        float[][] out = Augmenter.create(c, DataKind.TIMESERIES, new int[] {2, 10}, windows, 3)
                .apply(windows);
        for (int i = 0; i < windows.length; i++) {
            int shift = shiftOf(windows[i], out[i], 2, 10, true);
            assertTrue(Math.abs(shift) <= 3, "shift " + shift);
        }
    }

    @Test
    void gainScalesEachWindowWithinTheRange() {
        float[][] windows = ramps(200, 2, 8);
        AugmentationConfig c =
                config(AugmentationSpec.newBuilder().setGainMin(0.5).setGainMax(1.5));
        float[][] out = Augmenter.create(c, DataKind.TIMESERIES, new int[] {2, 8}, windows, 5)
                .apply(windows);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int i = 0; i < windows.length; i++) {
            double factor = out[i][3] / windows[i][3];
            for (int j = 0; j < windows[i].length; j++) {
                double expected = windows[i][j] * factor;
                assertEquals(expected, out[i][j], 1e-6 * Math.abs(expected) + 1e-4, "one factor per window");
            }
            lo = Math.min(lo, factor);
            hi = Math.max(hi, factor);
        }
        assertTrue(lo >= 0.5 && lo < 0.6 && hi <= 1.5 && hi > 1.4, lo + " .. " + hi);
    }

    @Test
    void imagesAreFlippedShiftedAndBrightenedWithinTheirBounds() {
        int h = 5;
        int w = 6;
        float[][] images = new float[400][2 * h * w];
        for (float[] img : images) {
            for (int j = 0; j < img.length; j++) {
                img[j] = 1 + j; // every pixel distinct and positive
            }
        }
        float[][] flipped = Augmenter.create(
                        config(AugmentationSpec.newBuilder().setHorizontalFlip(true)),
                        DataKind.IMAGE,
                        new int[] {2, h, w},
                        images,
                        9)
                .apply(images);
        int mirrored = 0;
        for (float[] img : flipped) {
            boolean same = Arrays.equals(img, images[0]);
            boolean mirror = img[0] == images[0][w - 1] && img[w * h] == images[0][w * h + w - 1];
            assertTrue(same || mirror, "either kept or mirrored");
            mirrored += mirror ? 1 : 0;
        }
        assertTrue(mirrored > 150 && mirrored < 250, "about half mirrored: " + mirrored);

        float[][] shifted = Augmenter.create(
                        config(AugmentationSpec.newBuilder().setShiftPixels(2)),
                        DataKind.IMAGE,
                        new int[] {2, h, w},
                        images,
                        9)
                .apply(images);
        for (float[] img : shifted) {
            assertEquals(2 * h * w, img.length);
            // every non-zero pixel comes from the original at most 2 rows / columns away, in the same channel
            for (int p = 0; p < img.length; p++) {
                if (img[p] != 0) {
                    int source = (int) img[p] - 1;
                    assertEquals(p / (h * w), source / (h * w), "same channel");
                    assertTrue(Math.abs((p % (h * w)) / w - (source % (h * w)) / w) <= 2);
                    assertTrue(Math.abs(p % w - source % w) <= 2);
                }
            }
        }

        float[][] bright = Augmenter.create(
                        config(AugmentationSpec.newBuilder().setBrightness(0.3)),
                        DataKind.IMAGE,
                        new int[] {2, h, w},
                        images,
                        9)
                .apply(images);
        for (float[] img : bright) {
            double factor = img[0] / images[0][0];
            assertTrue(factor >= 0.7 - 1e-6 && factor <= 1.3 + 1e-6, "factor " + factor);
            assertEquals(images[0][17] * factor, img[17], 1e-3);
        }
    }

    @Test
    void invalidFieldsAndTransformsOfAnotherKindAreNamed() {
        List<FieldProblem> ranges = AugmentationConfig.problems(
                AugmentationSpec.newBuilder()
                        .setNoiseStd(-1)
                        .setTimeShiftMode("reflect")
                        .setGainMin(2)
                        .setGainMax(1)
                        .setShiftPixels(-1)
                        .setBrightness(1)
                        .build(),
                "spec.augmentation.");
        assertEquals(
                List.of(
                        "spec.augmentation.noiseStd",
                        "spec.augmentation.timeShiftMode",
                        "spec.augmentation.gainMax",
                        "spec.augmentation.shiftPixels",
                        "spec.augmentation.brightness"),
                ranges.stream().map(FieldProblem::field).toList());
        assertEquals(
                List.of("spec.augmentation.timeShiftMode"),
                fields(AugmentationConfig.problems(
                        AugmentationSpec.newBuilder().setTimeShiftMode("zero").build(), "spec.augmentation.")));

        TrainingSpec imageOnly = TrainingSpec.newBuilder()
                .setAugmentation(
                        AugmentationSpec.newBuilder().setHorizontalFlip(true).setTimeShiftMax(3))
                .build();
        assertEquals(
                List.of("spec.augmentation.timeShiftMax"),
                fields(Augmenter.fitProblems(imageOnly, "image", List.of(1, 8, 8), 64, "spec.")));
        assertEquals(
                List.of("spec.augmentation.horizontalFlip"),
                fields(Augmenter.fitProblems(imageOnly, "timeseries", List.of(2, 32), 64, "spec.")));
        assertEquals(
                List.of("spec.augmentation.timeShiftMax", "spec.augmentation.horizontalFlip"),
                fields(Augmenter.fitProblems(imageOnly, "features", List.of(), 64, "spec.")));
        TrainingSpec longShift = TrainingSpec.newBuilder()
                .setAugmentation(AugmentationSpec.newBuilder().setTimeShiftMax(32))
                .build();
        assertEquals(
                List.of("spec.augmentation.timeShiftMax"),
                fields(Augmenter.fitProblems(longShift, "timeseries", List.of(2, 32), 64, "spec.")));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Augmenter.create(
                        config(AugmentationSpec.newBuilder().setShiftPixels(1)),
                        DataKind.FEATURES,
                        new int[] {4},
                        new float[][] {{1, 2, 3, 4}},
                        1));
        assertEquals("augmentation.shiftPixels: not used for features samples", e.getMessage());
    }

    @Test
    void mixupAloneAsksNothingOfTheSampleGeometry() {
        // 12 flat pixels: an MLP takes them, but they make no square image for the image transforms
        TrainingSpec mixupOnly = TrainingSpec.newBuilder()
                .setArchitecture("mlp")
                .setMaxEpochs(2)
                .setAugmentation(AugmentationSpec.newBuilder().setMixupAlpha(0.3))
                .build();
        assertEquals(List.of(), Augmenter.fitProblems(mixupOnly, "image", List.of(), 12, "spec."));
        ModelSpec spec = ModelSpec.resolve(
                mixupOnly,
                DataKind.IMAGE,
                ModelSpec.builder(Architecture.MLP, List.of(8)).build());
        // this used to fail with "augmentation: cannot augment these samples: cnn2d needs samples of shape ..."
        try (TrainedModel m = ClassifierTrainer.forSamples(spec, DataKind.IMAGE, List.of(), 12, List.of("a", "b"))
                .train(twoClasses(12))) {
            assertEquals(0.3, m.spec().augmentation().mixupAlpha(), "an MLP trains with mixup on these samples");
        }
        TrainingSpec noise = mixupOnly.toBuilder()
                .setAugmentation(
                        AugmentationSpec.newBuilder().setMixupAlpha(0.3).setNoiseStd(0.1))
                .build();
        assertEquals(
                List.of("spec.augmentation"),
                fields(Augmenter.fitProblems(noise, "image", List.of(), 12, "spec.")),
                "a transform of the pixels still needs an image");
    }

    @Test
    void theConfigRoundTripsThroughTheContract() {
        AugmentationSpec s = AugmentationSpec.newBuilder()
                .setNoiseStd(0.2)
                .setTimeShiftMax(4)
                .setGainMin(0.9)
                .setGainMax(1.1)
                .build();
        AugmentationConfig c = AugmentationConfig.resolve(s);
        assertEquals(s.toBuilder().setTimeShiftMode("circular").build(), c.toProto());
        assertEquals(c, AugmentationConfig.resolve(c.toProto()));
        assertFalse(AugmentationConfig.NONE.augments());
        assertTrue(c.augments());
    }

    /**
     * The smallest shift s (by magnitude) with out[c][t] = in[c][t - s] for every channel (circular or zero-padded),
     * or fails.
     */
    private static int shiftOf(float[] in, float[] out, int channels, int length, boolean zeroPad) {
        for (int k = 0; k < 2 * length - 1; k++) {
            int s = (k + 1) / 2 * (k % 2 == 1 ? 1 : -1);
            boolean match = true;
            for (int c = 0; c < channels && match; c++) {
                for (int t = 0; t < length && match; t++) {
                    int from = t - s;
                    float expected = from >= 0 && from < length
                            ? in[c * length + from]
                            : zeroPad ? 0 : in[c * length + Math.floorMod(from, length)];
                    match = expected == out[c * length + t];
                }
            }
            if (match) {
                return s;
            }
        }
        throw new AssertionError("not a shift of the input: " + Arrays.toString(out));
    }

    /** Two classes of {@code features} values around -1 and +1: 20 train, 10 validation and 10 test samples. */
    private static TrainingData twoClasses(int features) {
        Random r = new Random(3);
        SplitData[] splits = new SplitData[3];
        int[] sizes = {20, 10, 10};
        for (int s = 0; s < 3; s++) {
            float[][] x = new float[sizes[s]][features];
            int[] y = new int[sizes[s]];
            for (int i = 0; i < x.length; i++) {
                y[i] = i % 2;
                for (int j = 0; j < features; j++) {
                    x[i][j] = (float) (2 * y[i] - 1 + 0.3 * r.nextGaussian());
                }
            }
            splits[s] = new SplitData(x, y);
        }
        return new TrainingData(splits[0], splits[1], splits[2], List.of("a", "b"), features);
    }

    /** Windows whose values are all distinct: 1 + c * 100 + t plus a per-window offset. */
    private static float[][] ramps(int n, int channels, int length) {
        float[][] out = new float[n][channels * length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = 1 + 1000 * i + (j / length) * 100 + j % length;
            }
        }
        return out;
    }

    private static AugmentationConfig config(AugmentationSpec.Builder b) {
        return AugmentationConfig.resolve(b.build());
    }

    private static List<String> fields(List<FieldProblem> p) {
        return p.stream().map(FieldProblem::field).toList();
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
