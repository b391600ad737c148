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

/** Append-only history of a rollout: started, wave started, gate passed/failed, paused, resumed, rolled back... */
@Entity
@Table(
        name = "rollout_history",
        indexes = @Index(name = "rollout_history_deployment_idx", columnList = "deployment_id"))
public class RolloutHistoryEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "deployment_id", nullable = false)
    public String deploymentId;

    @Column(nullable = false)
    public Instant at;

    /** e.g. {@code started}, {@code wave-started}, {@code gate-passed}, {@code rolled-back}. */
    @Column(nullable = false)
    public String action;

    public Integer wave;

    @Column(length = 4000)
    public String detail;

    /**
     * Who did it: the authenticated subject for an action requested over REST, the service's own name for what the
     * rollout decided by itself or what an event started (null in entries written before it was recorded).
     */
    public String actor;
}
