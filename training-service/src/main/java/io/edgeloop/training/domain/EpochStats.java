package io.edgeloop.training.domain;

/**
 * Progress of one epoch.
 *
 * @param epoch 1-based epoch
 * @param maxEpochs the run's epoch limit
 * @param trainLoss mean train loss over the epoch's batches (the distillation loss for a distilled student)
 * @param validationLoss cross-entropy on the validation split after the epoch
 * @param validationAccuracy accuracy on the validation split after the epoch
 * @param learningRate learning rate of the epoch's last update
 */
public record EpochStats(
        int epoch,
        int maxEpochs,
        double trainLoss,
        double validationLoss,
        double validationAccuracy,
        double learningRate) {}
