package io.edgeloop.kit.jobs;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/** A durable unit of work: claimed by one worker under a lease, retried after a crash, completed once. */
@Entity
@Table(
        name = "edgeloop_job",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "edgeloop_job_kind_key_uk",
                        columnNames = {"kind", "job_key"}),
        indexes = @Index(name = "edgeloop_job_ready_idx", columnList = "kind,status,run_after"))
public class JobRecord extends PanacheEntityBase {
    /** Where a job is in its life. */
    public enum Status {
        /** Waiting for a worker (again, after a failed attempt). */
        QUEUED,
        /** Claimed by the worker named in the lease. */
        RUNNING,
        /** Completed. */
        DONE,
        /** Failed for a reason that retrying cannot fix. */
        FAILED,
        /** Gave up after the maximum attempts; waits for an operator to retry it. */
        PARKED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, length = 100)
    public String kind;

    /** Identity of the work within its kind: enqueuing the same key twice makes one job. */
    @Column(name = "job_key", nullable = false, length = 500)
    public String jobKey;

    @Column(nullable = false)
    public byte[] payload;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public Status status;

    /** Attempts started so far (a crash during one counts). */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "max_attempts", nullable = false)
    public int maxAttempts;

    /** Not claimed before this instant (backoff after a failure). */
    @Column(name = "run_after", nullable = false)
    public Instant runAfter;

    @Column(name = "lease_owner", length = 200)
    public String leaseOwner;

    /** The claim lapses at this instant unless the owner renews it; another worker may then take the job. */
    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "last_error", length = 2000)
    public String lastError;

    /** W3C traceparent of the span that enqueued the job; the worker continues this trace. */
    @Column(length = 100)
    public String traceparent;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
