package io.edgeloop.training.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** One training run: what was trained, how it went, and what it produced. */
@Entity
@Table(
        name = "training_run",
        indexes = {
            @Index(name = "training_run_queued_idx", columnList = "queued_at"),
            @Index(name = "training_run_dataset_idx", columnList = "dataset_name")
        })
public class TrainingRun extends PanacheEntityBase {
    /** Lifecycle of a run. */
    public enum Status {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    /** UUID; derived from the DataReady event id for event-triggered runs, random for on-demand runs. */
    @Id
    public String id;

    @Column(name = "dataset_name", nullable = false)
    public String datasetName;

    /** Requested version (0 = latest, resolved to the real version once the snapshot is fetched). */
    @Column(name = "dataset_version", nullable = false)
    public int datasetVersion;

    @Column(name = "snapshot_id")
    public String snapshotId;

    /** {@code event} (DataReady) or {@code api} (POST /training-runs). */
    @Column(nullable = false)
    public String trigger;

    /** Who started the run: the caller's subject for {@code api} runs, {@code training-service} for event runs. */
    @Column(name = "requested_by")
    public String requestedBy;

    @Column(name = "data_ready_event_id")
    public String dataReadyEventId;

    @Column(name = "correlation_id")
    public String correlationId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "failure_reason", length = 2000)
    public String failureReason;

    @Column(name = "max_epochs")
    public int maxEpochs;

    public Integer epochs;

    @Column(name = "best_epoch")
    public Integer bestEpoch;

    @Column(name = "train_count")
    public Long trainCount;

    @Column(name = "train_loss")
    public Double trainLoss;

    @Column(name = "validation_accuracy")
    public Double validationAccuracy;

    @Column(name = "validation_macro_f1")
    public Double validationMacroF1;

    @Column(name = "validation_loss")
    public Double validationLoss;

    @Column(name = "validation_count")
    public Long validationCount;

    @Column(name = "test_accuracy")
    public Double testAccuracy;

    @Column(name = "test_macro_f1")
    public Double testMacroF1;

    @Column(name = "test_loss")
    public Double testLoss;

    @Column(name = "test_count")
    public Long testCount;

    @Column(name = "model_name")
    public String modelName;

    @Column(name = "model_version")
    public Integer modelVersion;

    @Column(name = "artifact_sha256")
    public String artifactSha256;

    @Column(name = "artifact_size_bytes")
    public Long artifactSizeBytes;

    public String architecture;

    @Column(name = "queued_at", nullable = false)
    public Instant queuedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** {@code features}, {@code timeseries} or {@code image}. */
    @Column(name = "data_kind")
    public String dataKind;

    /** The dataset's declared sample shape, comma-separated (empty = flat); from DataReady or the request. */
    @Column(name = "sample_shape")
    public String sampleShape;

    /** The requested training spec as JSON (fields of events.v1.TrainingSpec); null = defaults. */
    @Column(name = "requested_spec", length = 4000)
    public String requestedSpec;

    /** The spec actually trained with (defaults filled in), as JSON. */
    @Column(name = "spec", length = 4000)
    public String spec;

    /** The model's input shape without the batch dimension, comma-separated. */
    @Column(name = "input_shape")
    public String inputShape;

    @Column(name = "parameter_count")
    public Long parameterCount;

    /** Validation metrics with per-class figures and confusion matrix, as JSON. */
    @Column(name = "validation_detail", columnDefinition = "text")
    public String validationDetail;

    /** Test metrics with per-class figures and confusion matrix, as JSON. */
    @Column(name = "test_detail", columnDefinition = "text")
    public String testDetail;

    /** Progress of a running run: last finished epoch and its figures. */
    @Column(name = "progress_epoch")
    public Integer progressEpoch;

    @Column(name = "progress_train_loss")
    public Double progressTrainLoss;

    @Column(name = "progress_validation_loss")
    public Double progressValidationLoss;

    @Column(name = "progress_validation_accuracy")
    public Double progressValidationAccuracy;

    /** Training the last finished epoch belongs to in a distilling run (teacher, student-alone, student). */
    @Column(name = "progress_phase")
    public String progressPhase;

    /**
     * A distilling run's teacher and student-alone reports with temperature and alpha, as JSON; null for a plain
     * run.
     */
    @Column(name = "distillation_detail", columnDefinition = "text")
    public String distillationDetail;

    /**
     * The job attempt training the run now (or that trained it), from 1: the attempt whose epochs
     * ({@link TrainingEpoch}) form the run's learning curve; null before the first attempt started.
     */
    public Integer attempt;

    /** Seconds spent in the DJL training loop and evaluation. */
    @Column(name = "training_seconds")
    public Double trainingSeconds;
}
