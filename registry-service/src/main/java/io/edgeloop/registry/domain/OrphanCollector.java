package io.edgeloop.registry.domain;

import io.edgeloop.registry.config.RegistryConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs {@link OrphanSweeper#collectOrphans} (with {@code edgeloop.registry.orphan-gc.min-age}) every {@code
 * edgeloop.registry.orphan-gc.interval} as the Quarkus scheduler job {@value #JOB}, the first time one interval after
 * start; an interval of zero or less schedules nothing. Sweeps run on a worker thread and never overlap each other
 * (concurrent execution {@link Scheduled.ConcurrentExecution#SKIP}: a sweep still running when the next is due makes
 * the scheduler skip that one); they may overlap an on-demand sweep, which is safe: every deletion is checked under the
 * blob's lock. A sweep that fails is logged and counted, and the next one runs as planned. The scheduler checks its
 * triggers once a second, so an interval under a second runs every second.
 */
@ApplicationScoped
public class OrphanCollector {
    /** The identity of the periodic sweep in the Quarkus scheduler. */
    public static final String JOB = "registry-orphan-gc";

    private static final Logger LOG = Logger.getLogger(OrphanCollector.class);

    @Inject
    Scheduler scheduler;

    @Inject
    OrphanSweeper sweeper;

    @Inject
    RegistryConfig config;

    private final AtomicLong sweeps = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    void onStart(@Observes StartupEvent event) {
        Duration minAge = config.orphanGc().minAge();
        if (minAge.isNegative()) {
            throw new IllegalStateException("edgeloop.registry.orphan-gc.min-age must not be negative, got " + minAge);
        }
        Duration interval = config.orphanGc().interval();
        if (schedule(JOB, interval, () -> sweeper.collectOrphans(minAge))) {
            LOG.infof(
                    "orphan GC every %s: blobs never registered and uploaded more than %s ago are deleted",
                    interval, minAge);
        } else {
            LOG.info("periodic orphan GC is disabled (edgeloop.registry.orphan-gc.interval <= 0)");
        }
    }

    /**
     * Schedules {@code sweep} as the job {@code identity}, every {@code interval}, the first time one interval from
     * now, never two at once; each run is counted by this collector ({@link #sweeps()}, {@link #failures()}).
     *
     * @return false (nothing scheduled) when {@code interval} is zero or negative
     */
    boolean schedule(String identity, Duration interval, Supplier<OrphanSweep> sweep) {
        if (interval.isZero() || interval.isNegative()) {
            return false;
        }
        String every = interval.toString(); // ISO-8601, as the scheduler reads it
        scheduler
                .newJob(identity)
                .setInterval(every)
                .setDelayed(every)
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> tick(sweep))
                .schedule();
        return true;
    }

    /** One scheduled sweep; never throws, so a failure leaves the schedule as it is. */
    void tick(Supplier<OrphanSweep> sweep) {
        try {
            sweep.get();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("orphan GC sweep failed; the next one runs as planned", e);
        } finally {
            sweeps.incrementAndGet();
        }
    }

    /** Scheduled sweeps run so far (failed ones included). */
    public long sweeps() {
        return sweeps.get();
    }

    /** Scheduled sweeps that failed so far. */
    public long failures() {
        return failures.get();
    }
}
