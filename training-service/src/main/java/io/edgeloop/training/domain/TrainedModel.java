package io.edgeloop.training.domain;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import java.util.List;

/**
 * A trained MLP: the live DJL model (for inference), its weights on the heap (for export), the standardization, and
 * evaluation results. Owns native memory: close it.
 */
public final class TrainedModel implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final Standardizer standardizer;
    private final List<DenseLayer> layers;
    private final List<String> classLabels;
    private final int epochs;
    private final int bestEpoch;
    private final double finalTrainLoss;
    private final List<MlpTrainer.EpochStats> history;
    private final double trainingSeconds;
    private EvaluationMetrics validation;
    private EvaluationMetrics test;
    private long trainSampleCount;

    TrainedModel(
            Model model,
            Trainer trainer,
            Standardizer standardizer,
            List<DenseLayer> layers,
            List<String> classLabels,
            int epochs,
            int bestEpoch,
            double finalTrainLoss,
            List<MlpTrainer.EpochStats> history,
            double trainingSeconds) {
        this.model = model;
        this.trainer = trainer;
        this.standardizer = standardizer;
        this.layers = List.copyOf(layers);
        this.classLabels = List.copyOf(classLabels);
        this.epochs = epochs;
        this.bestEpoch = bestEpoch;
        this.finalTrainLoss = finalTrainLoss;
        this.history = List.copyOf(history);
        this.trainingSeconds = trainingSeconds;
    }

    void evaluate(TrainingData data) {
        int classes = classLabels.size();
        validation = EvaluationMetrics.of(
                predictProbabilities(data.validation().features()),
                data.validation().labels(),
                classes);
        test = EvaluationMetrics.of(
                predictProbabilities(data.test().features()), data.test().labels(), classes);
        trainSampleCount = data.train().size();
    }

    /** Class probabilities computed by DJL for raw (unstandardized) feature rows. */
    public float[][] predictProbabilities(float[][] rawFeatures) {
        return probabilities(trainer, standardizer.apply(rawFeatures));
    }

    /** Softmax of the network's logits for standardized rows, in a sub-manager so nothing leaks. */
    static float[][] probabilities(Trainer trainer, float[][] standardized) {
        float[][] out = new float[standardized.length][];
        if (standardized.length == 0) {
            return out;
        }
        try (NDManager sub = trainer.getManager().newSubManager()) {
            NDArray x = sub.create(standardized);
            NDArray probs = trainer.evaluate(new NDList(x)).singletonOrThrow().softmax(-1);
            int classes = (int) probs.getShape().get(1);
            float[] flat = probs.toFloatArray();
            for (int i = 0; i < standardized.length; i++) {
                out[i] = new float[classes];
                System.arraycopy(flat, i * classes, out[i], 0, classes);
            }
        }
        return out;
    }

    /** Human-readable layer layout, e.g. {@code mlp(8-32-relu-32-relu-4)-softmax}. */
    public String architecture() {
        StringBuilder sb = new StringBuilder("mlp(").append(layers.get(0).inputs());
        for (int i = 0; i < layers.size(); i++) {
            sb.append('-').append(layers.get(i).outputs());
            if (i < layers.size() - 1) {
                sb.append("-relu");
            }
        }
        return sb.append(")-softmax,standardized").toString();
    }

    public Standardizer standardizer() {
        return standardizer;
    }

    public List<DenseLayer> layers() {
        return layers;
    }

    public List<String> classLabels() {
        return classLabels;
    }

    public int featureCount() {
        return layers.get(0).inputs();
    }

    /** Epochs actually run (early stopping may end before the maximum). */
    public int epochs() {
        return epochs;
    }

    /** Epoch whose weights were kept (best validation accuracy). */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double finalTrainLoss() {
        return finalTrainLoss;
    }

    public List<MlpTrainer.EpochStats> history() {
        return history;
    }

    public double trainingSeconds() {
        return trainingSeconds;
    }

    public EvaluationMetrics validation() {
        return validation;
    }

    public EvaluationMetrics test() {
        return test;
    }

    public long trainSampleCount() {
        return trainSampleCount;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
