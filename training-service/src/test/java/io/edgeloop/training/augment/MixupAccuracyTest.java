package io.edgeloop.training.augment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.EvaluationMetrics;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mixup in a training run, on a train split far too small for the network: 30 feature rows (10 per class) of 40
 * features, three Gaussian classes apart in 10 of them, and an MLP of 128 x 128 units. Without mixup it fits the 30
 * rows within 2-5 epochs and early stopping keeps an overconfident model (0.693 test accuracy, mean test
 * cross-entropy 0.833 with the kept seed); the same MLP, data and seed with {@code mixupAlpha: 1} keeps learning for
 * longer and reaches 0.768 with a cross-entropy of 0.513 (better calibrated probabilities as well as more right
 * answers).
 */
class MixupAccuracyTest {
    static final List<String> CLASSES = List.of("a", "b", "c");
    static final int FEATURES = 40;
    static final int INFORMATIVE = 10;

    @Test
    void mixupRegularizesAnMlpOnATinyTrainSplit() {
        TrainingData data = blobs(6);
        TrainingSpec base = TrainingSpec.newBuilder()
                .setArchitecture("mlp")
                .addHiddenUnits(128)
                .addHiddenUnits(128)
                .setMaxEpochs(60)
                .setPatience(60)
                .setBatchSize(16)
                .setLearningRate(0.01)
                .setSeed(5)
                .build();
        TrainingSpec mixed = base.toBuilder()
                .setAugmentation(AugmentationSpec.newBuilder().setMixupAlpha(1))
                .build();
        EvaluationMetrics plain = test(base, data);
        EvaluationMetrics withMixup = test(mixed, data);
        // data seeds 1-10 while developing (training seed 5): accuracy plain 0.790 / 0.633 / 0.710 / 0.550 / 0.685 /
        // 0.693 / 0.892 / 0.592 / 0.775 / 0.507, mixup 0.797 / 0.692 / 0.755 / 0.583 / 0.720 / 0.768 / 0.902 / 0.600 /
        // 0.802 / 0.802 (+0.007 to +0.295); test cross-entropy lower with mixup on 9 of 10 (-0.12 to -0.82; seed 7,
        // where plain already reaches 0.892, +0.02)
        assertTrue(
                withMixup.loss() <= plain.loss() - 0.15,
                "test cross-entropy with mixup " + withMixup.loss() + " vs plain " + plain.loss());
        assertTrue(
                withMixup.accuracy() >= plain.accuracy() + 0.03,
                "mixup " + withMixup.accuracy() + " vs plain " + plain.accuracy());
    }

    private static EvaluationMetrics test(TrainingSpec requested, TrainingData data) {
        ModelSpec spec = ModelSpec.resolve(
                requested,
                DataKind.FEATURES,
                ModelSpec.builder(Architecture.MLP, List.of(32)).build());
        try (TrainedModel m = ClassifierTrainer.forSamples(spec, DataKind.FEATURES, List.of(), FEATURES, CLASSES)
                .train(data)) {
            return m.test();
        }
    }

    /**
     * Class centres drawn N(0, 1) in the first {@link #INFORMATIVE} features (0 elsewhere), rows = centre + N(0, 1) in
     * every feature: 30 train, 60 validation and 600 test rows.
     */
    static TrainingData blobs(long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[CLASSES.size()][FEATURES];
        for (double[] centre : centres) {
            for (int d = 0; d < INFORMATIVE; d++) {
                centre[d] = r.nextGaussian();
            }
        }
        return new TrainingData(
                split(r, 30, centres), split(r, 60, centres), split(r, 600, centres), CLASSES, FEATURES);
    }

    private static SplitData split(Random r, int n, double[][] centres) {
        float[][] x = new float[n][FEATURES];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % CLASSES.size();
            for (int d = 0; d < FEATURES; d++) {
                x[i][d] = (float) (centres[y[i]][d] + r.nextGaussian());
            }
        }
        return new SplitData(x, y);
    }
}
