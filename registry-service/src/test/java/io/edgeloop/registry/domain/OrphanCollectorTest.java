package io.edgeloop.registry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.testsupport.SkippedRuns;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The scheduling of {@link OrphanCollector} on the application's Quarkus scheduler: the periodic sweep is a scheduler
 * job; a failing sweep is counted and the next one runs; a sweep still running makes the scheduler skip the next one
 * (concurrent execution SKIP); an interval of zero or less schedules nothing. The test jobs are counted by their own
 * collector, so the application's counters stay as OrphanGcTest reads them. What the sweeps delete: OrphanGcTest.
 */
@QuarkusTest
class OrphanCollectorTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final OrphanSweep NOTHING = new OrphanSweep(List.of(), 0, 0);

    @Inject
    Scheduler scheduler;

    @Inject
    SkippedRuns skipped;

    @Test
    void thePeriodicSweepIsAJobOfTheSchedulerEveryInterval() {
        Trigger job = scheduler.getScheduledJob(OrphanCollector.JOB);
        assertNotNull(job, "the job " + OrphanCollector.JOB + " is scheduled");
        // the test profile sweeps every second
        Awaitility.await("the job's next sweep is due within the interval")
                .atMost(Duration.ofSeconds(10))
                .until(() -> {
                    Instant next =
                            scheduler.getScheduledJob(OrphanCollector.JOB).getNextFireTime();
                    return next != null && !next.isAfter(Instant.now().plus(SECOND.multipliedBy(2)));
                });
    }

    @Test
    void aFailingSweepIsCountedAndTheNextOnesRun() {
        OrphanCollector collector = collector();
        String job = job();
        AtomicInteger calls = new AtomicInteger();
        assertTrue(collector.schedule(job, SECOND, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database unavailable");
            }
            return NOTHING;
        }));
        try {
            Awaitility.await("two sweeps after the failed one")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> collector.sweeps() >= 3);
            assertEquals(1, collector.failures());
        } finally {
            scheduler.unscheduleJob(job);
        }
        assertNull(scheduler.getScheduledJob(job));
    }

    @Test
    void aSweepStillRunningMakesTheSchedulerSkipTheNextOne() throws InterruptedException {
        OrphanCollector collector = collector();
        String job = job();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<OrphanSweep> slow = () -> {
            started.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return NOTHING;
        };
        assertTrue(collector.schedule(job, SECOND, slow));
        try {
            Awaitility.await("the scheduler skips a sweep while one runs")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> skipped.of(job) >= 2);
            assertEquals(1, started.get(), "no second sweep started while the first ran");
            assertEquals(0, collector.sweeps(), "the first one has not finished");
        } finally {
            release.countDown();
        }
        try {
            Awaitility.await("the first sweep finishes, then the next one runs")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> collector.sweeps() >= 2);
            assertEquals(0, collector.failures());
        } finally {
            scheduler.unscheduleJob(job);
        }
    }

    @Test
    void zeroOrNegativeIntervalSchedulesNothing() {
        OrphanCollector collector = collector();
        String job = job();
        Supplier<OrphanSweep> never = () -> {
            throw new AssertionError("must not run");
        };
        assertFalse(collector.schedule(job, Duration.ZERO, never));
        assertFalse(collector.schedule(job, Duration.ofMinutes(-1), never));
        assertNull(scheduler.getScheduledJob(job));
        assertEquals(0, collector.sweeps());
    }

    /** A collector of its own on the application's scheduler (its counters count only its jobs). */
    private OrphanCollector collector() {
        OrphanCollector collector = new OrphanCollector();
        collector.scheduler = scheduler;
        return collector;
    }

    private static String job() {
        return "orphan-gc-test-" + UUID.randomUUID();
    }
}
