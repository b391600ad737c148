package io.edgeloop.training.domain;

/**
 * Settings of one training run of the MLP classifier.
 *
 * @param maxEpochs upper bound on passes over the train split
 * @param patience epochs without a lower validation loss before training stops early
 * @param batchSize samples per mini-batch
 * @param hiddenUnits width of each of the two hidden layers
 * @param learningRate Adam step size
 * @param seed seeds weight initialization and batch shuffling
 */
public record Hyperparameters(
        int maxEpochs, int patience, int batchSize, int hiddenUnits, float learningRate, int seed) {
    public Hyperparameters {
        if (maxEpochs < 1 || patience < 1 || batchSize < 1 || hiddenUnits < 1) {
            throw new IllegalArgumentException("epochs, patience, batch size and hidden units must be positive");
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number");
        }
    }
}
