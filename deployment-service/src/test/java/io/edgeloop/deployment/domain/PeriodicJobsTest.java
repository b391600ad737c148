package io.edgeloop.deployment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deployment.api.FleetMetrics;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.grpc.FleetChannel;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.PeriodicJobs;
import io.edgeloop.testsupport.SkippedRuns;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The periodic work on the application's Quarkus scheduler: the rollout tick (1 s in tests), the fleet channel's
 * reconcile (1 h in tests) and the fleet metrics' refresh (15 s, first run at start) are scheduler jobs with those
 * intervals; a failed run is counted and the next one runs; a run still going makes the scheduler skip the next one;
 * an interval of zero or less schedules nothing; a stopped job waits for its run in progress and never runs again.
 * The test jobs run on a {@link PeriodicJobs} of their own, so the application's stays as it was. What the jobs do:
 * StagedRolloutTest and the other rollout suites (tick), ReplicaDeliveryTest (reconcile), FleetMetricsTest.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class PeriodicJobsTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Scheduler scheduler;

    @Inject
    PeriodicJobs jobs;

    @Inject
    DeploymentConfig config;

    @Inject
    SkippedRuns skipped;

    @Test
    void theTickTheReconcileAndTheMetricsRefreshAreSchedulerJobsWithTheirIntervals() {
        Map<String, Duration> expected = Map.of(
                RolloutScheduler.TICK_JOB, config.tick(),
                FleetChannel.RECONCILE_JOB, config.watchReconcile(),
                FleetMetrics.REFRESH_JOB, FleetMetrics.REFRESH_INTERVAL);
        assertEquals(SECOND, config.tick(), "the test profile's tick");
        assertEquals(Duration.ofHours(1), config.watchReconcile(), "the test profile's reconcile");
        assertEquals(Duration.ofSeconds(15), FleetMetrics.REFRESH_INTERVAL);
        expected.forEach((identity, interval) -> {
            assertNotNull(scheduler.getScheduledJob(identity), identity + " is scheduled");
            assertEquals(interval, jobs.job(identity).orElseThrow().interval(), identity);
        });

        // the tick and the metrics refresh have run: the scheduler plans the next run one interval after the last
        for (String identity : new String[] {RolloutScheduler.TICK_JOB, FleetMetrics.REFRESH_JOB}) {
            Trigger trigger = scheduler.getScheduledJob(identity);
            Duration interval = expected.get(identity);
            Awaitility.await(identity + " ran and its next run is one interval after it")
                    .atMost(WAIT)
                    .until(() -> trigger.getPreviousFireTime() != null
                            && interval.equals(
                                    Duration.between(trigger.getPreviousFireTime(), trigger.getNextFireTime())));
            Awaitility.await(identity + " counted a run")
                    .atMost(WAIT)
                    .until(() -> jobs.job(identity).orElseThrow().runs() >= 1);
        }

        // the reconcile is first due one interval after start; before it, the simple scheduler reports the run after it
        Trigger reconcile = scheduler.getScheduledJob(FleetChannel.RECONCILE_JOB);
        PeriodicJobs.Job job = jobs.job(FleetChannel.RECONCILE_JOB).orElseThrow();
        Duration hour = expected.get(FleetChannel.RECONCILE_JOB);
        Instant next = reconcile.getNextFireTime();
        Instant earliest = job.scheduledAt().plus(hour);
        Instant latest = job.scheduledAt().plus(hour.multipliedBy(2)).plusSeconds(1);
        assertFalse(next.isBefore(earliest), "next reconcile " + next + " before " + earliest);
        assertFalse(next.isAfter(latest), "next reconcile " + next + " after " + latest);
        assertNull(reconcile.getPreviousFireTime(), "the reconcile has not run yet");
        assertEquals(0, job.runs());
    }

    @Test
    void aFailedRunIsCountedAndTheNextOnesRun() {
        PeriodicJobs own = own();
        String identity = identity();
        AtomicInteger calls = new AtomicInteger();
        assertTrue(own.schedule(identity, SECOND, Duration.ZERO, "a test task", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database unavailable");
            }
        }));
        try {
            Awaitility.await("two runs after the failed one")
                    .atMost(WAIT)
                    .until(() -> own.job(identity).orElseThrow().runs() >= 3);
            assertEquals(1, own.job(identity).orElseThrow().failures());
        } finally {
            scheduler.unscheduleJob(identity);
        }
        assertNull(scheduler.getScheduledJob(identity));
    }

    @Test
    void aRunStillGoingMakesTheSchedulerSkipTheNextOne() {
        PeriodicJobs own = own();
        String identity = identity();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        assertTrue(own.schedule(identity, SECOND, Duration.ZERO, "a slow test task", () -> {
            started.incrementAndGet();
            awaitQuietly(release);
        }));
        PeriodicJobs.Job job = own.job(identity).orElseThrow();
        try {
            try {
                Awaitility.await("the scheduler skips runs while one is going")
                        .atMost(WAIT)
                        .until(() -> skipped.of(identity) >= 2);
                assertEquals(1, started.get(), "no second run started while the first was going");
                assertEquals(0, job.runs(), "the first one has not finished");
            } finally {
                release.countDown();
            }
            Awaitility.await("the first run finishes, then the next one runs")
                    .atMost(WAIT)
                    .until(() -> job.runs() >= 2);
            assertEquals(0, job.failures());
        } finally {
            scheduler.unscheduleJob(identity);
        }
    }

    @Test
    void aStoppedJobWaitsForItsRunInProgressAndNeverRunsAgain() {
        PeriodicJobs own = own();
        String identity = identity();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        assertTrue(own.schedule(identity, SECOND, Duration.ZERO, "a slow test task", () -> {
            started.incrementAndGet();
            awaitQuietly(release);
        }));
        PeriodicJobs.Job job = own.job(identity).orElseThrow();
        try {
            Awaitility.await("the first run is going").atMost(WAIT).until(() -> started.get() == 1);
            assertFalse(own.stop(identity, Duration.ofMillis(50)), "the run is still going");
            assertNull(scheduler.getScheduledJob(identity), "unscheduled at once");
            release.countDown();
            assertTrue(own.stop(identity, WAIT), "the run ended");
            assertEquals(1, job.runs());
            job.run(); // as a run the scheduler had handed to a worker before the stop
            assertEquals(1, started.get(), "a stopped job does not run again");
            assertEquals(1, job.runs());
        } finally {
            release.countDown();
            scheduler.unscheduleJob(identity);
        }
        assertTrue(own.stop("never-scheduled-" + identity, Duration.ZERO));
    }

    @Test
    void aZeroOrNegativeIntervalSchedulesNothing() {
        PeriodicJobs own = own();
        String identity = identity();
        Runnable never = () -> {
            throw new AssertionError("must not run");
        };
        assertFalse(own.schedule(identity, Duration.ZERO, "a disabled task", never));
        assertFalse(own.schedule(identity, Duration.ofMinutes(-1), Duration.ZERO, "a disabled task", never));
        assertNull(scheduler.getScheduledJob(identity));
        assertTrue(own.job(identity).isEmpty());
        assertTrue(
                scheduler.getScheduledJobs().stream().noneMatch(t -> t.getId().equals(identity)));
    }

    /** A {@link PeriodicJobs} of its own on the application's scheduler. */
    private PeriodicJobs own() {
        return PeriodicJobs.on(scheduler);
    }

    private static String identity() {
        return "periodic-test-" + UUID.randomUUID();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
