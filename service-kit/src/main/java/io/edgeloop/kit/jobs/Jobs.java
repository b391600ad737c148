package io.edgeloop.kit.jobs;

import io.edgeloop.common.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Enqueues, completes, lists and retries durable jobs (table {@code edgeloop_job}). */
@ApplicationScoped
public class Jobs {
    @Inject
    EntityManager em;

    @Inject
    JobsConfig config;

    @Inject
    Clock clock;

    @Inject
    JobRunner runner;

    /**
     * Adds a job in the caller's transaction: it exists once that transaction commits (e.g. together with the
     * inbox mark of the event that asked for it). Enqueuing a (kind, key) that exists already does nothing.
     *
     * @return true when the job is new
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean enqueue(String kind, String key, byte[] payload) {
        if (kind == null || kind.isBlank() || key == null || key.isBlank()) {
            throw new IllegalArgumentException("a job needs a kind and a key");
        }
        Instant now = clock.instant();
        int inserted = em.createNativeQuery("insert into edgeloop_job (kind, job_key, payload, status, attempts,"
                        + " max_attempts, run_after, traceparent, created_at, updated_at)"
                        + " values (?1, ?2, ?3, 'QUEUED', 0, ?4, ?5, ?6, ?5, ?5)"
                        + " on conflict (kind, job_key) do nothing")
                .setParameter(1, kind)
                .setParameter(2, key)
                .setParameter(3, payload == null ? new byte[0] : payload)
                .setParameter(4, Math.max(1, config.maxAttempts()))
                .setParameter(5, now)
                .setParameter(6, TraceContext.currentTraceparent())
                .executeUpdate();
        if (inserted == 1) {
            runner.wakeUpAfterCommit(kind);
        }
        return inserted == 1;
    }

    /**
     * Completes {@code job} in the caller's transaction, the one that commits its effects.
     *
     * @throws LeaseLostException when another worker holds the job now (the transaction must roll back)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void complete(Job job) {
        Instant now = clock.instant();
        int updated = em.createQuery("update JobRecord set status = ?1, finishedAt = ?2, updatedAt = ?2,"
                        + " leaseOwner = null, leaseUntil = null, lastError = null"
                        + " where id = ?3 and leaseOwner = ?4 and status = ?5")
                .setParameter(1, JobRecord.Status.DONE)
                .setParameter(2, now)
                .setParameter(3, job.id())
                .setParameter(4, job.owner())
                .setParameter(5, JobRecord.Status.RUNNING)
                .executeUpdate();
        if (updated != 1) {
            job.lost().set(true);
            throw new LeaseLostException(job.id());
        }
    }

    /** The job of {@code kind} with {@code key}. */
    @Transactional
    public Optional<JobRecord> find(String kind, String key) {
        return JobRecord.<JobRecord>find("kind = ?1 and jobKey = ?2", kind, key).firstResultOptional();
    }

    /** The job with {@code id}. */
    @Transactional
    public Optional<JobRecord> find(long id) {
        return JobRecord.findByIdOptional(id);
    }

    /** Jobs in {@code status} (all when null), newest first. */
    @Transactional
    public List<JobRecord> list(JobRecord.Status status, int limit) {
        var query = status == null
                ? JobRecord.<JobRecord>find("order by id desc")
                : JobRecord.<JobRecord>find("status = ?1 order by id desc", status);
        return query.page(0, Math.max(1, limit)).list();
    }

    /** How many jobs are in each status. */
    @Transactional
    public java.util.Map<JobRecord.Status, Long> counts() {
        java.util.Map<JobRecord.Status, Long> counts = new java.util.EnumMap<>(JobRecord.Status.class);
        for (JobRecord.Status s : JobRecord.Status.values()) {
            counts.put(s, 0L);
        }
        em.createQuery("select status, count(*) from JobRecord group by status", Object[].class)
                .getResultList()
                .forEach(row -> counts.put((JobRecord.Status) row[0], (Long) row[1]));
        return counts;
    }

    /**
     * Queues a PARKED or FAILED job again with fresh attempts (an operator's retry).
     *
     * @return false when the job does not exist or is not parked or failed
     */
    @Transactional
    public boolean retry(long id) {
        Instant now = clock.instant();
        int updated = em.createQuery("update JobRecord set status = ?1, attempts = 0, runAfter = ?2, updatedAt = ?2,"
                        + " finishedAt = null where id = ?3 and status in ?4")
                .setParameter(1, JobRecord.Status.QUEUED)
                .setParameter(2, now)
                .setParameter(3, id)
                .setParameter(4, List.of(JobRecord.Status.PARKED, JobRecord.Status.FAILED))
                .executeUpdate();
        if (updated == 1) {
            JobRecord job = JobRecord.findById(id);
            runner.wakeUpAfterCommit(job.kind);
        }
        return updated == 1;
    }
}
