package io.edgeloop.registry.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** Where a model version came from: the dataset snapshot and training run, its parent version and loop iteration. */
@Embeddable
public class LineageEmbeddable {
    @Column(name = "dataset_name", length = 128)
    public String datasetName;

    @Column(name = "dataset_version")
    public int datasetVersion;

    @Column(name = "snapshot_id", length = 128)
    public String snapshotId;

    @Column(name = "training_run_id", length = 128)
    public String trainingRunId;

    /** Previous version of the same model, 0 for the first. */
    @Column(name = "parent_version")
    public int parentVersion;

    @Column(name = "correlation_id", length = 128)
    public String correlationId;
}
