package io.edgeloop.training.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.EpochStats;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SpecAugment-style feature masks (on an mfe impulse's features, train split only), image rotation and random crops,
 * and mixup: what each transform does to a sample, that inputs are never modified, validation untouched, every bad
 * field named.
 */
class MaskRotateCropTest {
    @Test
    void masksZeroWholeFramesAndTheSameChannelsOfEveryAxis() {
        FeatureMasks masks = new FeatureMasks(2, 3, 1, 2);
        // 2 axes x 4 channels = 8 rows, 10 frames, all ones
        float[][] rows = new float[50][80];
        for (float[] r : rows) {
            Arrays.fill(r, 1f);
        }
        float[][] out = masks.apply(rows, 2, 8, 10, new Random(1));
        for (float[] r : rows) {
            for (float v : r) {
                assertEquals(1f, v, "input untouched");
            }
        }
        for (float[] x : out) {
            boolean[] frameMasked = new boolean[10];
            boolean[] rowMasked = new boolean[8];
            for (int t = 0; t < 10; t++) {
                boolean all = true;
                for (int r = 0; r < 8; r++) {
                    all &= x[r * 10 + t] == 0;
                }
                frameMasked[t] = all;
            }
            for (int r = 0; r < 8; r++) {
                boolean all = true;
                for (int t = 0; t < 10; t++) {
                    all &= x[r * 10 + t] == 0;
                }
                rowMasked[r] = all;
            }
            int frames = count(frameMasked);
            int channels = count(rowMasked);
            assertTrue(frames >= 1 && frames <= 6, "1-6 masked frames, got " + frames);
            assertTrue(channels == 2 || channels == 4, "1-2 channels of both axes, got " + channels);
            for (int c = 0; c < 4; c++) {
                assertEquals(rowMasked[c], rowMasked[4 + c], "channel " + c + " masked on both axes alike");
            }
            for (int r = 0; r < 8; r++) {
                for (int t = 0; t < 10; t++) {
                    assertEquals(frameMasked[t] || rowMasked[r], x[r * 10 + t] == 0, "only masked cells are 0");
                }
            }
        }
    }

    @Test
    void rotationKeepsACentredDiscAndTurnsABar() {
        int side = 21;
        AugmentationConfig rotate = AugmentationConfig.resolve(
                AugmentationSpec.newBuilder().setRotationDegrees(40).build());
        float[] disc = new float[side * side];
        float[] bar = new float[side * side];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                disc[r * side + c] = (r - 10) * (r - 10) + (c - 10) * (c - 10) <= 36 ? 1 : 0;
                bar[r * side + c] = r == 10 && c >= 3 && c <= 17 ? 1 : 0;
            }
        }
        float[][] samples = {disc, bar};
        Augmenter a = Augmenter.create(rotate, DataKind.IMAGE, new int[] {1, side, side}, samples, 3);
        double worstDisc = 0;
        double mostOffRow = 0;
        for (int epoch = 0; epoch < 20; epoch++) {
            float[][] out = a.apply(samples);
            double diff = 0;
            for (int p = 0; p < disc.length; p++) {
                diff += Math.abs(out[0][p] - disc[p]);
            }
            worstDisc = Math.max(worstDisc, diff / disc.length);
            double offRow = 0;
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    offRow += Math.abs(r - 10) >= 3 ? out[1][r * side + c] : 0;
                }
            }
            mostOffRow = Math.max(mostOffRow, offRow);
        }
        assertTrue(worstDisc < 0.05, "a centred disc stays (mean |diff| " + worstDisc + ")");
        assertTrue(mostOffRow > 2, "a rotated bar leaves its row: " + mostOffRow);
        assertArrayEquals(new float[] {1, 1, 1}, Arrays.copyOfRange(bar, 10 * side + 3, 10 * side + 6), "input kept");
    }

    @Test
    void randomCropsZoomWithinTheScaleRange() {
        int side = 20;
        // a horizontal ramp: the value is the column
        float[] ramp = new float[side * side];
        for (int p = 0; p < ramp.length; p++) {
            ramp[p] = p % side;
        }
        AugmentationConfig crop = AugmentationConfig.resolve(
                AugmentationSpec.newBuilder().setCropScaleMin(0.5).build());
        Augmenter a = Augmenter.create(crop, DataKind.IMAGE, new int[] {1, side, side}, new float[][] {ramp}, 7);
        double smallest = Double.MAX_VALUE;
        for (int epoch = 0; epoch < 30; epoch++) {
            float[] out = a.apply(new float[][] {ramp})[0];
            // inner row: bilinear inside the crop, the span of columns is fraction * (side - 1) at most
            float first = out[10 * side + 1];
            float last = out[10 * side + side - 2];
            double span = (last - first) / (side - 3.0);
            assertTrue(span >= 0.5 - 1e-3 && span <= 1 + 1e-3, "zoom factor " + span);
            for (int c = 1; c < side - 1; c++) {
                assertTrue(out[10 * side + c] >= 0 && out[10 * side + c] <= side - 1, "values from the image");
            }
            smallest = Math.min(smallest, span);
        }
        assertTrue(smallest < 0.8, "crops well below full size are drawn: " + smallest);
    }

    @Test
    void maskingChangesTrainingOnlyAndValidationStaysPlain() {
        TrainingData data = tones(11);
        float[][] trainBefore = copy(data.train().features());
        float[][] validationBefore = copy(data.validation().features());
        TrainingSpec plain = TrainingSpec.newBuilder()
                .setMaxEpochs(6)
                .setPatience(6)
                .setBatchSize(16)
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(1000)
                        .setFrameLength(32)
                        .setMelFilters(8))
                .build();
        TrainingSpec masked = plain.toBuilder()
                .setAugmentation(AugmentationSpec.newBuilder()
                        .setTimeMasks(1)
                        .setTimeMaskMax(3)
                        .setFrequencyMasks(1)
                        .setFrequencyMaskMax(2))
                .build();
        List<EpochStats> plainHistory;
        try (TrainedModel m = train(plain, data)) {
            plainHistory = m.history();
        }
        ModelSpec spec = ModelSpec.resolve(masked, DataKind.TIMESERIES, defaults());
        assertEquals(
                masked.getAugmentation(), spec.toProto().getAugmentation(), "the effective spec carries the masks");
        try (TrainedModel m = train(masked, data)) {
            assertNotEquals(plainHistory.get(0).trainLoss(), m.history().get(0).trainLoss(), "masks change training");
            EpochStats best = m.history().get(m.bestEpoch() - 1);
            assertEquals(best.validationLoss(), m.evaluate(data.validation()).loss(), 1e-6, "validation unmasked");
            assertTrue(Arrays.deepEquals(trainBefore, data.train().features()), "train samples untouched");
            assertTrue(Arrays.deepEquals(validationBefore, data.validation().features()), "validation untouched");
        }
    }

    @Test
    void badFieldsAndMisplacedTransformsAreNamed() {
        assertEquals(
                List.of(
                        "spec.augmentation.rotationDegrees",
                        "spec.augmentation.cropScaleMin",
                        "spec.augmentation.timeMasks",
                        "spec.augmentation.frequencyMaskMax"),
                fields(TrainingSpec.newBuilder()
                        .setAugmentation(AugmentationSpec.newBuilder()
                                .setRotationDegrees(200)
                                .setCropScaleMin(1)
                                .setTimeMasks(9)
                                .setFrequencyMasks(1))
                        .build()));
        assertEquals(
                List.of("spec.augmentation.timeMasks"),
                fields(TrainingSpec.newBuilder()
                        .setImpulse(ImpulseSpec.newBuilder().setBlock("spectral"))
                        .setAugmentation(
                                AugmentationSpec.newBuilder().setTimeMasks(1).setTimeMaskMax(2))
                        .build()));
        TrainingSpec tooWide = TrainingSpec.newBuilder()
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(1000)
                        .setFrameLength(32)
                        .setMelFilters(8))
                .setAugmentation(AugmentationSpec.newBuilder().setTimeMasks(1).setTimeMaskMax(7))
                .build();
        // [1, 128] windows, frames of 32 every 16: 7 frames
        assertEquals(
                List.of("spec.augmentation.timeMaskMax"),
                Augmenter.fitProblems(tooWide, "timeseries", List.of(1, 128), 128, "spec.").stream()
                        .map(FieldProblem::field)
                        .toList());
        assertEquals(
                List.of("spec.augmentation.rotationDegrees"),
                Augmenter.fitProblems(
                                TrainingSpec.newBuilder()
                                        .setAugmentation(
                                                AugmentationSpec.newBuilder().setRotationDegrees(10))
                                        .build(),
                                "timeseries",
                                List.of(1, 128),
                                128,
                                "spec.")
                        .stream()
                        .map(FieldProblem::field)
                        .toList());
    }

    @Test
    void mixupBlendsEachRowWithAPermutedPartnerOfItsBatch() {
        assertEquals(null, Mixup.of(0, 1), "alpha 0 is off");
        int n = 6;
        int len = 3;
        float[] x = new float[n * len];
        float[] soft = new float[n * 2];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < len; k++) {
                x[i * len + k] = 10 * i + k;
            }
            soft[i * 2 + (i % 2)] = 1;
        }
        float[] before = x.clone();
        Mixup.Mixed m = Mixup.of(0.4, 7).mix(x, n, len, soft, 2);
        assertTrue(m.lambda() >= 0 && m.lambda() <= 1, "lambda " + m.lambda());
        assertArrayEquals(
                new int[] {0, 1, 2, 3, 4, 5},
                Arrays.stream(m.partner()).sorted().toArray(),
                "a permutation");
        for (int i = 0; i < n; i++) {
            int p = m.partner()[i];
            for (int k = 0; k < len; k++) {
                float want = m.lambda() * before[i * len + k] + (1 - m.lambda()) * before[p * len + k];
                assertEquals(want, x[i * len + k], 1e-4, "row " + i + " value " + k);
            }
            assertEquals(1, soft[i * 2] + soft[i * 2 + 1], 1e-6, "mixed soft targets still sum to 1");
        }
        assertArrayEquals(
                new long[] {m.partner()[0], m.partner()[1]},
                Arrays.copyOf(m.partnerLabels(new long[] {0, 1, 2, 3, 4, 5}), 2));
        Mixup.Mixed again = Mixup.of(0.4, 7).mix(before.clone(), n, len, null, 2);
        assertEquals(m.lambda(), again.lambda(), "seeded");
        assertArrayEquals(m.partner(), again.partner(), "seeded");
    }

    @Test
    void mixupChangesTrainingOnlyAndStillLearns() {
        TrainingData data = tones(13);
        float[][] trainBefore = copy(data.train().features());
        TrainingSpec plain = TrainingSpec.newBuilder()
                .setMaxEpochs(12)
                .setPatience(12)
                .setBatchSize(16)
                .build();
        TrainingSpec mixed = plain.toBuilder()
                .setAugmentation(AugmentationSpec.newBuilder().setMixupAlpha(0.3))
                .build();
        List<EpochStats> plainHistory;
        try (TrainedModel m = train(plain, data)) {
            plainHistory = m.history();
        }
        try (TrainedModel m = train(mixed, data)) {
            assertNotEquals(plainHistory.get(0).trainLoss(), m.history().get(0).trainLoss(), "mixup changes training");
            EpochStats best = m.history().get(m.bestEpoch() - 1);
            assertEquals(best.validationLoss(), m.evaluate(data.validation()).loss(), 1e-6, "validation unmixed");
            assertTrue(
                    m.test().accuracy() >= 0.9,
                    "test accuracy with mixup " + m.test().accuracy());
            assertTrue(Arrays.deepEquals(trainBefore, data.train().features()), "train samples untouched");
            assertEquals(
                    0.3,
                    ModelSpec.resolve(mixed, DataKind.TIMESERIES, defaults())
                            .toProto()
                            .getAugmentation()
                            .getMixupAlpha());
        }
        assertEquals(
                List.of("spec.augmentation.mixupAlpha"),
                fields(TrainingSpec.newBuilder()
                        .setAugmentation(AugmentationSpec.newBuilder().setMixupAlpha(11))
                        .build()));
    }

    private static List<String> fields(TrainingSpec s) {
        return ModelSpec.problems(s, "spec.").stream().map(FieldProblem::field).toList();
    }

    private static TrainedModel train(TrainingSpec requested, TrainingData data) {
        ModelSpec spec = ModelSpec.resolve(requested, DataKind.TIMESERIES, defaults());
        return ClassifierTrainer.forSamples(spec, DataKind.TIMESERIES, List.of(1, 128), 128, data.classLabels())
                .train(data);
    }

    private static ModelSpec defaults() {
        return ModelSpec.builder(Architecture.MLP, List.of(16)).seed(42).build();
    }

    /** Tones of 60, 150 or 300 Hz at 1 kHz, random phase and amplitude, noise sigma 0.3, [1, 128] windows. */
    private static TrainingData tones(long seed) {
        Random r = new Random(seed);
        return new TrainingData(
                toneSplit(r, 90), toneSplit(r, 30), toneSplit(r, 30), List.of("low", "mid", "high"), 128);
    }

    private static SplitData toneSplit(Random r, int n) {
        double[] hz = {60, 150, 300};
        float[][] x = new float[n][128];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            double phase = 2 * Math.PI * r.nextDouble();
            double amp = 0.5 + r.nextDouble();
            for (int t = 0; t < 128; t++) {
                x[i][t] = (float) (amp * Math.sin(2 * Math.PI * hz[y[i]] * t / 1000 + phase) + 0.3 * r.nextGaussian());
            }
        }
        return new SplitData(x, y);
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return n;
    }

    private static float[][] copy(float[][] a) {
        return Arrays.stream(a).map(float[]::clone).toArray(float[][]::new);
    }
}
