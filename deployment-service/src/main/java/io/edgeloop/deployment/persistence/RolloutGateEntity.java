package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** The decisive health-gate result of one wave of a rollout. */
@Entity
@Table(name = "rollout_gate", indexes = @Index(name = "rollout_gate_deployment_idx", columnList = "deployment_id"))
public class RolloutGateEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "deployment_id", nullable = false)
    public String deploymentId;

    @Column(nullable = false)
    public int wave;

    /** PASS or FAIL. */
    @Column(nullable = false)
    public String outcome;

    /** Reasons, one per line. */
    @Column(length = 4000)
    public String reasons;

    @Column(nullable = false)
    public int windows;

    @Column(nullable = false)
    public long inferences;

    @Column(nullable = false)
    public long errors;

    /** Caller input errors (reported, never gated). */
    @Column(name = "client_errors")
    public Long clientErrors;

    @Column(name = "error_rate", nullable = false)
    public double errorRate;

    @Column(name = "latency_p99_us", nullable = false)
    public double latencyP99Us;

    @Column(name = "prediction_shift")
    public Double predictionShift;

    @Column(name = "evaluated_at", nullable = false)
    public Instant evaluatedAt;

    /** Deployed event emitted for this wave (phase "wave" or "completed"), if any. */
    @Column(name = "deployed_event_id")
    public String deployedEventId;
}
