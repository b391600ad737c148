package io.edgeloop.kit.jobs;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * A service's periodic work (e.g. deployment-service's rollout tick, monitoring-service's trims) as programmatic jobs
 * of the Quarkus scheduler (a service with no {@code @Scheduled} method sets {@code quarkus.scheduler.start-mode=forced}).
 * A job runs every interval on a worker thread, never overlapping itself (concurrent execution {@link
 * Scheduled.ConcurrentExecution#SKIP}: a run still going when the next is due makes the scheduler skip that one). A
 * run that fails is logged and counted, and the next one runs as planned. An interval of zero or less schedules
 * nothing. The scheduler checks its triggers once a second, so an interval under a second runs every second. {@link
 * #stop} unschedules a job and waits for its run in progress, for work that must end before shutdown continues.
 */
@ApplicationScoped
public class PeriodicJobs {
    private static final Logger LOG = Logger.getLogger(PeriodicJobs.class);

    @Inject
    Scheduler scheduler;

    /** Jobs of their own on {@code scheduler}, outside CDI (tests that must not disturb the application's jobs). */
    public static PeriodicJobs on(Scheduler scheduler) {
        PeriodicJobs jobs = new PeriodicJobs();
        jobs.scheduler = scheduler;
        return jobs;
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    /** A job this bean scheduled: its identity in the Quarkus scheduler, interval, and runs so far. */
    public static final class Job {
        private final String identity;
        private final Duration interval;
        private final Instant scheduledAt;
        private final String what;
        private final Runnable task;
        private final AtomicLong runs = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        /** Held by a run in progress; {@link #stop} takes it to wait for one. */
        private final ReentrantLock running = new ReentrantLock();

        private volatile boolean stopped;

        Job(String identity, Duration interval, Instant scheduledAt, String what, Runnable task) {
            this.identity = identity;
            this.interval = interval;
            this.scheduledAt = scheduledAt;
            this.what = what;
            this.task = task;
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

        /**
         * One run, as the scheduler makes it (public for tests that run a job by hand); never throws, so a failure
         * leaves the schedule as it is. Nothing once stopped.
         */
        public void run() {
            running.lock();
            try {
                if (stopped) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    LOG.warnf(e, "%s failed; trying again in %s", what, interval);
                }
                runs.incrementAndGet();
            } finally {
                running.unlock();
            }
        }
    }

    /**
     * Schedules {@code task} as the job {@code identity} every {@code interval}, the first time one interval from now,
     * never two runs at once; {@code what} names the task in the log line of a failed run.
     *
     * @return false (nothing scheduled) when {@code interval} is zero or negative
     */
    public boolean schedule(String identity, Duration interval, String what, Runnable task) {
        return schedule(identity, interval, interval, what, task);
    }

    /**
     * {@link #schedule(String, Duration, String, Runnable)} with the first run {@code firstDelay} from now (zero: at
     * the scheduler's next check, within a second).
     *
     * @return false (nothing scheduled) when {@code interval} is zero or negative
     */
    public boolean schedule(String identity, Duration interval, Duration firstDelay, String what, Runnable task) {
        if (interval.isZero() || interval.isNegative()) {
            return false;
        }
        Job job = new Job(identity, interval, Instant.now().truncatedTo(ChronoUnit.SECONDS), what, task);
        Scheduler.JobDefinition<?> definition = scheduler
                .newJob(identity)
                .setInterval(interval.toString()) // ISO-8601, as the scheduler reads it
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> job.run());
        if (!firstDelay.isZero() && !firstDelay.isNegative()) {
            definition.setDelayed(firstDelay.toString());
        }
        definition.schedule();
        jobs.put(identity, job);
        return true;
    }

    /** The job {@code identity} as this bean scheduled it, empty when it scheduled none by that name. */
    public Optional<Job> job(String identity) {
        return Optional.ofNullable(jobs.get(identity));
    }

    /**
     * Unschedules the job {@code identity} and waits up to {@code wait} for its run in progress to end; a run the
     * scheduler had already handed to a worker does nothing.
     *
     * @return true when no run of it is going on now (or it was never scheduled here)
     */
    public boolean stop(String identity, Duration wait) {
        Job job = jobs.get(identity);
        if (job == null) {
            return true;
        }
        job.stopped = true;
        scheduler.unscheduleJob(identity);
        try {
            if (job.running.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                job.running.unlock();
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
