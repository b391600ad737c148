package io.edgeloop.training.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import java.util.List;

/**
 * One finished epoch of a training run, as the trainer reported it. Rows of a retried attempt are kept apart by
 * {@link #attempt}; {@link #seq} orders an attempt's epochs (a distilling run trains three networks, so epoch numbers
 * repeat across its {@link #phase}s).
 */
@Entity
@Table(
        name = "training_epoch",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "training_epoch_attempt_seq_uk",
                        columnNames = {"run_id", "attempt", "seq"}))
public class TrainingEpoch extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "run_id", nullable = false)
    public String runId;

    /** The job attempt that trained it, from 1. */
    @Column(nullable = false)
    public int attempt;

    /** 1-based position among the attempt's epochs. */
    @Column(nullable = false)
    public int seq;

    /** In a distilling run: {@code teacher}, {@code student-alone} or {@code student}; null otherwise. */
    @Column(length = 32)
    public String phase;

    @Column(nullable = false)
    public int epoch;

    @Column(name = "max_epochs", nullable = false)
    public int maxEpochs;

    @Column(name = "train_loss", nullable = false)
    public double trainLoss;

    @Column(name = "validation_loss")
    public Double validationLoss;

    @Column(name = "validation_accuracy")
    public Double validationAccuracy;

    @Column(name = "learning_rate")
    public Double learningRate;

    @Column(name = "duration_seconds")
    public Double durationSeconds;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    /** The epochs of one attempt of a run, in the order they were trained. */
    public static List<TrainingEpoch> ofAttempt(String runId, int attempt) {
        return list("runId = ?1 and attempt = ?2 order by seq", runId, attempt);
    }

    /** The highest attempt of the run with stored epochs; 0 when none. */
    public static int latestAttempt(String runId) {
        Integer max = getEntityManager()
                .createQuery("select max(e.attempt) from TrainingEpoch e where e.runId = ?1", Integer.class)
                .setParameter(1, runId)
                .getSingleResult();
        return max == null ? 0 : max;
    }

    /** How many epochs the attempt has stored. */
    public static int countOfAttempt(String runId, int attempt) {
        return (int) count("runId = ?1 and attempt = ?2", runId, attempt);
    }
}
