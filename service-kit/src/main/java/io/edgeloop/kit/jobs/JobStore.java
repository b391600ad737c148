package io.edgeloop.kit.jobs;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/** The job table's state changes, each in its own transaction, each guarded by the lease owner. */
@ApplicationScoped
class JobStore {
    private static final Logger LOG = Logger.getLogger(JobStore.class);
    /** Hibernate's value for {@code jakarta.persistence.lock.timeout} that means SKIP LOCKED. */
    private static final int SKIP_LOCKED = -2;

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    /**
     * Claims the oldest ready job of {@code kind}: queued and due, or running under a lapsed lease. Jobs whose
     * attempts are spent (their workers kept dying) are parked on the way.
     *
     * @return the claimed attempt, or null when none is ready
     */
    Job claim(String kind, String owner, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            List<JobRecord> ready = em.createQuery(
                            "from JobRecord where kind = ?1 and ((status = ?2 and runAfter <= ?3)"
                                    + " or (status = ?4 and leaseUntil < ?3)) order by runAfter, id",
                            JobRecord.class)
                    .setParameter(1, kind)
                    .setParameter(2, JobRecord.Status.QUEUED)
                    .setParameter(3, now)
                    .setParameter(4, JobRecord.Status.RUNNING)
                    .setMaxResults(5)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .setHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
                    .getResultList();
            for (JobRecord r : ready) {
                r.updatedAt = now;
                if (r.attempts >= r.maxAttempts) {
                    r.status = JobRecord.Status.PARKED;
                    r.finishedAt = now;
                    r.lastError = truncate("gave up after " + r.attempts + " attempts"
                            + (r.lastError == null ? " (the worker died)" : "; last: " + r.lastError));
                    r.leaseOwner = null;
                    r.leaseUntil = null;
                    LOG.warnf("job %s %s parked: %s", r.kind, r.jobKey, r.lastError);
                    continue;
                }
                if (r.status == JobRecord.Status.RUNNING) {
                    LOG.warnf(
                            "job %s %s: the lease of %s lapsed (worker gone?), taking it over",
                            r.kind, r.jobKey, r.leaseOwner);
                }
                r.status = JobRecord.Status.RUNNING;
                r.attempts++;
                r.leaseOwner = owner;
                r.leaseUntil = now.plus(lease);
                return new Job(
                        r.id, r.kind, r.jobKey, r.payload, r.attempts, r.maxAttempts, owner, new AtomicBoolean());
            }
            return null;
        });
    }

    String traceparentOf(long id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            JobRecord r = JobRecord.findById(id);
            return r == null ? null : r.traceparent;
        });
    }

    /** Marks the attempt's job DONE unless its handler already did (with its effects) or the lease was lost. */
    void succeeded(Job job) {
        QuarkusTransaction.requiringNew().run(() -> {
            JobRecord r = JobRecord.findById(job.id());
            if (r == null || r.status == JobRecord.Status.DONE) {
                return;
            }
            if (r.status != JobRecord.Status.RUNNING || !job.owner().equals(r.leaseOwner)) {
                LOG.warnf("job %s %s finished, but another worker holds it now", job.kind(), job.key());
                return;
            }
            Instant now = clock.instant();
            r.status = JobRecord.Status.DONE;
            r.finishedAt = now;
            r.updatedAt = now;
            r.leaseOwner = null;
            r.leaseUntil = null;
            r.lastError = null;
        });
    }

    /** Records a failed attempt: FAILED when permanent, else queued again after a backoff, or PARKED when spent. */
    void failed(Job job, String reason, boolean permanent, JobsConfig config) {
        QuarkusTransaction.requiringNew().run(() -> {
            JobRecord r = JobRecord.findById(job.id());
            if (r == null
                    || r.status != JobRecord.Status.RUNNING
                    || !job.owner().equals(r.leaseOwner)) {
                return;
            }
            Instant now = clock.instant();
            r.lastError = truncate(reason);
            r.updatedAt = now;
            r.leaseOwner = null;
            r.leaseUntil = null;
            if (permanent) {
                r.status = JobRecord.Status.FAILED;
                r.finishedAt = now;
            } else if (r.attempts >= r.maxAttempts) {
                r.status = JobRecord.Status.PARKED;
                r.finishedAt = now;
                LOG.warnf("job %s %s parked after %d attempts: %s", r.kind, r.jobKey, r.attempts, reason);
            } else {
                r.status = JobRecord.Status.QUEUED;
                r.runAfter = now.plus(backoff(r.attempts, config));
            }
        });
    }

    /** Extends the lease; false when the job is no longer this attempt's. */
    boolean renew(Job job, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            return em.createQuery("update JobRecord set leaseUntil = ?1, updatedAt = ?2"
                                    + " where id = ?3 and leaseOwner = ?4 and status = ?5")
                            .setParameter(1, now.plus(lease))
                            .setParameter(2, now)
                            .setParameter(3, job.id())
                            .setParameter(4, job.owner())
                            .setParameter(5, JobRecord.Status.RUNNING)
                            .executeUpdate()
                    == 1;
        });
    }

    /** Hands a running job back (graceful shutdown): queued at once, the attempt not counted. */
    void release(Job job) {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createQuery("update JobRecord set status = ?1, runAfter = ?2,"
                                + " updatedAt = ?2, leaseOwner = null, leaseUntil = null, attempts = attempts - 1"
                                + " where id = ?3 and leaseOwner = ?4 and status = ?5")
                        .setParameter(1, JobRecord.Status.QUEUED)
                        .setParameter(2, clock.instant())
                        .setParameter(3, job.id())
                        .setParameter(4, job.owner())
                        .setParameter(5, JobRecord.Status.RUNNING)
                        .executeUpdate());
    }

    /** Deletes DONE and FAILED jobs finished before {@code before}; call inside a transaction. */
    int trim(Instant before) {
        return em.createQuery("delete from JobRecord where status in ?1 and finishedAt < ?2")
                .setParameter(1, List.of(JobRecord.Status.DONE, JobRecord.Status.FAILED))
                .setParameter(2, before)
                .executeUpdate();
    }

    static Duration backoff(int attempts, JobsConfig config) {
        long initial = config.initialBackoff().toMillis();
        long max = config.maxBackoff().toMillis();
        long delay = initial << Math.min(20, Math.max(0, attempts - 1));
        return Duration.ofMillis(Math.min(max, Math.max(0, delay)));
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000);
    }
}
