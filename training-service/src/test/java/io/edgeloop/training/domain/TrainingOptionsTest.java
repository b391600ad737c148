package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Class weighting and input normalization change what is trained, measured on generated data with one seed. */
class TrainingOptionsTest {
    private static final List<String> LABELS = List.of("normal", "fault");

    /** Two overlapping Gaussian classes in {@code dims} dimensions, {@code faults} of {@code n} in class 1. */
    private static SplitData gaussians(Random r, int n, int faults, int dims) {
        float[][] x = new float[n][dims];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i < faults ? 1 : 0;
            for (int d = 0; d < dims; d++) {
                x[i][d] = (float) (r.nextGaussian() + (y[i] == 1 ? 1.2 : 0));
            }
        }
        return new SplitData(x, y);
    }

    private static ModelSpec spec(ClassWeights weights) {
        return ModelSpec.builder(Architecture.MLP, List.of(16))
                .epochs(30, 30)
                .batchSize(32)
                .learningRate(0.01)
                .optimizer(ModelSpec.OptimizerKind.ADAM)
                .schedule(ModelSpec.Schedule.CONSTANT)
                .seed(42)
                .build()
                .withInputs(Normalization.STANDARD, weights);
    }

    private static double faultRecall(ModelSpec spec, TrainingData data) {
        InputLayout layout =
                InputLayout.resolve(DataKind.FEATURES, List.of(), data.featureCount(), spec.architecture());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, LABELS).train(data)) {
            return model.test().perClass().get(1).recall();
        }
    }

    @Test
    void balancedClassWeightsRaiseTheMinorityClassRecall() {
        Random r = new Random(5);
        // 5% faults in train and validation; the test set has as many faults as normal rows
        TrainingData data = new TrainingData(
                gaussians(r, 1000, 50, 2), gaussians(r, 300, 15, 2), gaussians(r, 400, 200, 2), LABELS, 2);
        double plain = faultRecall(spec(ClassWeights.NONE), data);
        double balanced = faultRecall(spec(ClassWeights.BALANCED), data);
        double explicit = faultRecall(spec(ClassWeights.of(Map.of("fault", 19.0))), data);
        System.out.printf(
                "fault recall: unweighted %.3f, balanced %.3f, explicit 19x %.3f%n", plain, balanced, explicit);
        assertTrue(balanced > plain + 0.2, "balanced " + balanced + " vs unweighted " + plain);
        assertTrue(explicit > plain + 0.2, "explicit " + explicit + " vs unweighted " + plain);
    }

    @Test
    void aFeatureConstantInTrainingDoesNotDominateALaterPrediction() {
        Random r = new Random(9);
        TrainingData base = new TrainingData(
                gaussians(r, 600, 300, 3), gaussians(r, 200, 100, 3), gaussians(r, 200, 100, 3), LABELS, 3);
        // feature 2 is 0 in every training row (a pixel that never lit up) ...
        for (SplitData s : List.of(base.train(), base.validation())) {
            for (float[] row : s.features()) {
                row[2] = 0f;
            }
        }
        ModelSpec spec = spec(ClassWeights.NONE);
        InputLayout layout = InputLayout.resolve(DataKind.FEATURES, List.of(), 3, spec.architecture());
        try (TrainedModel model = new ClassifierTrainer(spec, layout, LABELS).train(base)) {
            assertEquals(1f, model.standardizer().std()[2], "a constant feature gets scale 1");
            // ... and faintly lit (0.05) at inference: the predictions must not change wholesale
            float[][] dark = base.test().features();
            float[][] faint = new float[dark.length][];
            for (int i = 0; i < dark.length; i++) {
                dark[i][2] = 0f;
                faint[i] = dark[i].clone();
                faint[i][2] = 0.05f;
            }
            float[][] before = model.predictProbabilities(dark);
            float[][] after = model.predictProbabilities(faint);
            int changed = 0;
            double maxShift = 0;
            for (int i = 0; i < dark.length; i++) {
                changed += EvaluationMetrics.argMax(before[i]) == EvaluationMetrics.argMax(after[i]) ? 0 : 1;
                maxShift = Math.max(maxShift, Math.abs(before[i][1] - after[i][1]));
            }
            assertTrue(changed <= dark.length / 20, changed + " of " + dark.length + " predictions flipped");
            assertTrue(maxShift < 0.1, "largest probability shift " + maxShift);
        }
    }

    @Test
    void theSpecCarriesTheOptionsThroughTheContract() {
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setNormalization("minmax")
                .putClassWeights("fault", 4.0)
                .build();
        ModelSpec resolved = ModelSpec.resolve(requested, DataKind.FEATURES, spec(ClassWeights.NONE));
        assertEquals(Normalization.MINMAX, resolved.normalization());
        assertEquals(ClassWeights.of(Map.of("fault", 4.0)), resolved.classWeights());
        assertEquals(resolved, ModelSpec.resolve(resolved.toProto(), DataKind.FEATURES, spec(ClassWeights.NONE)));
        assertEquals(
                ClassWeights.BALANCED,
                ModelSpec.resolve(
                                TrainingSpec.newBuilder()
                                        .setClassWeighting("balanced")
                                        .build(),
                                DataKind.FEATURES,
                                spec(ClassWeights.NONE))
                        .classWeights());
        assertEquals(
                List.of("spec.normalization", "spec.classWeights.fault"),
                ModelSpec.problems(
                                TrainingSpec.newBuilder()
                                        .setNormalization("l2")
                                        .putClassWeights("fault", -1)
                                        .build(),
                                "spec.")
                        .stream()
                        .map(FieldProblem::field)
                        .toList());
    }

    @Test
    void aRunWhoseLossBecomesNaNFailsNamingTheEpochInsteadOfShippingUntrainedWeights() {
        Random r = new Random(3);
        TrainingData data = new TrainingData(
                gaussians(r, 200, 100, 2), gaussians(r, 60, 30, 2), gaussians(r, 60, 30, 2), LABELS, 2);
        ModelSpec wild = ModelSpec.builder(Architecture.MLP, List.of(16))
                .epochs(5, 5)
                .batchSize(32)
                .learningRate(1e30)
                .optimizer(ModelSpec.OptimizerKind.SGD)
                .schedule(ModelSpec.Schedule.CONSTANT)
                .seed(42)
                .build();
        InputLayout layout = InputLayout.resolve(DataKind.FEATURES, List.of(), 2, Architecture.MLP);
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class, () -> new ClassifierTrainer(wild, layout, LABELS).train(data));
        assertTrue(e.epoch() >= 1 && e.epoch() <= 5, "epoch " + e.epoch());
        assertTrue(e.getMessage().contains("learningRate (1.0E30)"), e.getMessage());
        // the same data at a sane rate trains
        try (TrainedModel model = new ClassifierTrainer(spec(ClassWeights.NONE), layout, LABELS).train(data)) {
            assertTrue(Double.isFinite(model.finalTrainLoss()));
        }
    }
}
