package io.edgeloop.training.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.EpochStats;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Augmentation in a training run: events recorded at one position in the train split but occurring anywhere later.
 * An MLP (not shift-invariant) trained on the raw windows does poorly on the shifted held-out windows; the same MLP,
 * data and seed with a random circular time shift (plus a little noise and gain) on the train split learns the events
 * wherever they are. Validation and test samples are never augmented.
 */
class AugmentedTrainingTest {
    static final List<String> EVENTS = List.of("up", "down", "up-down");
    private static final int LENGTH = 48;

    @Test
    void timeShiftAugmentationTeachesAnMlpEventsAtAnyPosition() {
        TrainingData data = events(4);
        float[][] trainBefore = copy(data.train().features());
        float[][] validationBefore = copy(data.validation().features());
        TrainingSpec base = TrainingSpec.newBuilder()
                .setArchitecture("mlp")
                .addHiddenUnits(32)
                .setMaxEpochs(30)
                .setPatience(30)
                .setBatchSize(16)
                .setSeed(5)
                .build();
        TrainingSpec augmented = base.toBuilder()
                .setAugmentation(AugmentationSpec.newBuilder()
                        .setTimeShiftMax(LENGTH / 2)
                        .setNoiseStd(0.1)
                        .setGainMin(0.8)
                        .setGainMax(1.2))
                .build();
        double plain = accuracy(base, data);
        ModelSpec spec = ModelSpec.resolve(augmented, DataKind.TIMESERIES, defaults());
        assertEquals(
                augmented.getAugmentation().toBuilder()
                        .setTimeShiftMode("circular")
                        .build(),
                spec.toProto().getAugmentation(),
                "the effective spec carries the augmentation");
        try (TrainedModel model = train(spec, data)) {
            double withAugmentation = model.test().accuracy();
            assertTrue(withAugmentation >= 0.85, "augmented test accuracy " + withAugmentation);
            assertTrue(withAugmentation >= plain + 0.2, "augmented " + withAugmentation + " vs plain " + plain);
            // validation is never augmented: the kept epoch's validation loss is the loss on the plain samples
            EpochStats best = model.history().get(model.bestEpoch() - 1);
            assertEquals(
                    best.validationLoss(), model.evaluate(data.validation()).loss(), 1e-6);
            assertTrue(Arrays.deepEquals(trainBefore, data.train().features()), "train samples untouched");
            assertTrue(Arrays.deepEquals(validationBefore, data.validation().features()), "validation untouched");
        }
        // same data, spec and seed: the same augmented epochs, the same model
        try (TrainedModel a = train(spec, data);
                TrainedModel b = train(spec, data)) {
            assertEquals(a.history(), b.history());
        }
    }

    private static double accuracy(TrainingSpec requested, TrainingData data) {
        try (TrainedModel m = train(ModelSpec.resolve(requested, DataKind.TIMESERIES, defaults()), data)) {
            return m.test().accuracy();
        }
    }

    private static TrainedModel train(ModelSpec spec, TrainingData data) {
        return ClassifierTrainer.forSamples(spec, DataKind.TIMESERIES, List.of(1, LENGTH), LENGTH, EVENTS)
                .train(data);
    }

    private static ModelSpec defaults() {
        return ModelSpec.builder(Architecture.MLP, List.of(32)).build();
    }

    /**
     * One-channel windows of {@link #LENGTH} samples with one event: a positive bump, a negative bump, or a bump
     * followed by a dip (width 2-3 samples, amplitude 0.8-1.2), noise sigma 0.1. Train events sit at sample 12 (+-1);
     * validation and test events anywhere.
     */
    static TrainingData events(long seed) {
        Random r = new Random(seed);
        return new TrainingData(split(r, 240, true), split(r, 90, false), split(r, 150, false), EVENTS, LENGTH);
    }

    private static SplitData split(Random r, int n, boolean fixed) {
        float[][] x = new float[n][LENGTH];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % EVENTS.size();
            y[i] = c;
            double at = fixed ? 11 + 2 * r.nextDouble() : 4 + (LENGTH - 8) * r.nextDouble();
            double width = 2 + r.nextDouble();
            double amp = 0.8 + 0.4 * r.nextDouble();
            for (int t = 0; t < LENGTH; t++) {
                double bump = Math.exp(-Math.pow((t - at) / width, 2));
                double later = Math.exp(-Math.pow((t - at - 2 * width) / width, 2));
                double s = switch (c) {
                    case 0 -> bump;
                    case 1 -> -bump;
                    default -> bump - later;
                };
                x[i][t] = (float) (amp * s + 0.1 * r.nextGaussian());
            }
        }
        return new SplitData(x, y);
    }

    private static float[][] copy(float[][] a) {
        return Arrays.stream(a).map(float[]::clone).toArray(float[][]::new);
    }
}
