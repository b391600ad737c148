package io.edgeloop.registry.domain;

/**
 * Where a model version came from.
 *
 * @param datasetName dataset the model was trained on
 * @param datasetVersion version of that dataset
 * @param snapshotId snapshot of the dataset version
 * @param trainingRunId the training run that produced it
 * @param parentVersion previous version of the same model, 0 for the first
 * @param correlationId the loop iteration it belongs to
 */
public record LineageView(
        String datasetName,
        int datasetVersion,
        String snapshotId,
        String trainingRunId,
        int parentVersion,
        String correlationId) {}
