package io.edgeloop.monitoring.domain;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The periodic work of monitoring-service ({@link DriftHistory#TRIM_JOB}, {@link InferenceRetention#TRIM_JOB}) as
 * programmatic jobs of the Quarkus scheduler ({@code quarkus.scheduler.start-mode=forced}: there is no
 * {@code @Scheduled} method). A job runs every interval on a worker thread, the first time one interval after it was
 * scheduled, and never overlaps itself (concurrent execution {@link Scheduled.ConcurrentExecution#SKIP}: a run still
 * going when the next is due makes the scheduler skip that one). A run that fails is logged and counted, and the next
 * one runs as planned. An interval of zero or less schedules nothing. The scheduler checks its triggers once a second,
 * so an interval under a second runs every second.
 */
@ApplicationScoped
public class PeriodicJobs {
    private static final Logger LOG = Logger.getLogger(PeriodicJobs.class);

    @Inject
    Scheduler scheduler;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    /** A job this bean scheduled: its identity in the Quarkus scheduler, interval, and runs so far. */
    public static final class Job {
        private final String identity;
        private final Duration interval;
        private final Instant scheduledAt;
        private final AtomicLong runs = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();

        Job(String identity, Duration interval, Instant scheduledAt) {
            this.identity = identity;
            this.interval = interval;
            this.scheduledAt = scheduledAt;
        }

        /** Its identity in the Quarkus scheduler. */
        public String identity() {
            return identity;
        }

        /** The time between two runs. */
        public Duration interval() {
            return interval;
        }

        /** When it was scheduled (system time in whole seconds, as the scheduler counts). */
        public Instant scheduledAt() {
            return scheduledAt;
        }

        /** Runs finished so far, failed ones included. */
        public long runs() {
            return runs.get();
        }

        /** Runs that failed so far. */
        public long failures() {
            return failures.get();
        }
    }

    /**
     * Schedules {@code task} as the job {@code identity} every {@code interval}, the first time one interval from now,
     * never two runs at once; {@code what} names the task in the log line of a failed run.
     *
     * @return false (nothing scheduled) when {@code interval} is zero or negative
     */
    public boolean schedule(String identity, Duration interval, String what, Runnable task) {
        if (interval.isZero() || interval.isNegative()) {
            return false;
        }
        Job job = new Job(identity, interval, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        String every = interval.toString(); // ISO-8601, as the scheduler reads it
        scheduler
                .newJob(identity)
                .setInterval(every)
                .setDelayed(every)
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> run(job, what, task))
                .schedule();
        jobs.put(identity, job);
        return true;
    }

    /** The job {@code identity} as this bean scheduled it, empty when it scheduled none by that name. */
    public Optional<Job> job(String identity) {
        return Optional.ofNullable(jobs.get(identity));
    }

    /** One run; never throws, so a failure leaves the schedule as it is. */
    private static void run(Job job, String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            job.failures.incrementAndGet();
            LOG.warnf(e, "%s failed; trying again in %s", what, job.interval());
        } finally {
            job.runs.incrementAndGet();
        }
    }
}
