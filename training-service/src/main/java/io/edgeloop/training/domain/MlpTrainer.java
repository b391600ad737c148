package io.edgeloop.training.domain;

import java.util.List;

/**
 * Convenience front of {@link ClassifierTrainer} for an MLP ({@code features -> H -> ReLU -> H -> ReLU -> classes})
 * on flat feature vectors, with Adam and a cosine learning-rate schedule.
 *
 * <p>Not thread-safe (the PyTorch seed is global): callers serialize training runs.
 */
public final class MlpTrainer {
    /** DJL engine name. */
    public static final String ENGINE = ClassifierTrainer.ENGINE;

    /** See {@link ClassifierTrainer#configureDjl()}. */
    public static void configureDjl() {
        ClassifierTrainer.configureDjl();
    }

    /** The spec this front trains with. */
    public static ModelSpec spec(Hyperparameters hp) {
        return ModelSpec.builder(Architecture.MLP, List.of(hp.hiddenUnits(), hp.hiddenUnits()))
                .epochs(hp.maxEpochs(), hp.patience())
                .batchSize(hp.batchSize())
                .learningRate(hp.learningRate())
                .optimizer(ModelSpec.OptimizerKind.ADAM)
                .schedule(ModelSpec.Schedule.COSINE)
                .seed(hp.seed())
                .build();
    }

    /**
     * Trains on {@code data} and evaluates validation and test splits. The returned model owns native memory: close
     * it.
     *
     * @throws IllegalArgumentException when the data is not usable (see {@link TrainingData#problems()})
     */
    public TrainedModel train(TrainingData data, Hyperparameters hp) {
        List<String> problems = data.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("snapshot cannot be trained on: " + String.join("; ", problems));
        }
        InputLayout layout = new InputLayout(DataKind.FEATURES, new int[] {data.featureCount()});
        return new ClassifierTrainer(spec(hp), layout, data.classLabels()).train(data);
    }
}
