package io.edgeloop.training.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A distillation or an architecture search: request, lifecycle and result (JSON). */
@Entity
@Table(name = "experiment")
public class Experiment extends PanacheEntityBase {
    /** What the experiment does. */
    public enum Kind {
        DISTILLATION,
        SEARCH
    }

    @Id
    public String id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TrainingRun.Status status;

    @Column(name = "dataset_name", nullable = false)
    public String datasetName;

    @Column(name = "dataset_version", nullable = false)
    public int datasetVersion;

    @Column(name = "snapshot_id")
    public String snapshotId;

    /** Who queued it: the authenticated caller's subject. */
    @Column(name = "requested_by")
    public String requestedBy;

    /** The validated request, as JSON. */
    @Column(name = "request", columnDefinition = "text", nullable = false)
    public String request;

    /** The result, as JSON, once SUCCEEDED. */
    @Column(name = "result", columnDefinition = "text")
    public String result;

    @Column(name = "failure_reason", length = 2000)
    public String failureReason;

    /** Epochs trained so far over all the experiment's trainings. */
    @Column(name = "epochs_done")
    public int epochsDone;

    @Column(name = "queued_at", nullable = false)
    public Instant queuedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
