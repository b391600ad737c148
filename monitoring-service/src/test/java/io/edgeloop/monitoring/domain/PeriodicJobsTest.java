package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.PeriodicJobs;
import io.edgeloop.monitoring.config.MonitoringConfig;
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
 * The periodic work on the application's Quarkus scheduler: the drift history trim and the inference retention trim
 * are scheduler jobs with their configured intervals (3h and 1h in tests), first due one interval after start (the
 * tests never wait for them); a failed run is counted and the next one runs; a run still going makes the scheduler
 * skip the next one; an interval of zero or less schedules nothing. The test jobs run on a {@link PeriodicJobs} of
 * their own, so the application's stays as it was. What the trims delete: DriftHistoryFlowTest, PerformanceFlowTest.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class PeriodicJobsTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Inject
    Scheduler scheduler;

    @Inject
    PeriodicJobs jobs;

    @Inject
    MonitoringConfig config;

    @Inject
    SkippedRuns skipped;

    @Test
    void theTrimsAreSchedulerJobsWithTheirConfiguredIntervals() {
        Map<String, Duration> expected = Map.of(
                DriftHistory.TRIM_JOB, config.driftHistory().trimInterval(),
                InferenceRetention.TRIM_JOB, config.performance().trimInterval());
        assertEquals(Duration.ofHours(3), expected.get(DriftHistory.TRIM_JOB), "the test profile's interval");
        assertEquals(Duration.ofHours(1), expected.get(InferenceRetention.TRIM_JOB), "the default interval");
        assertTrue(
                scheduler.getScheduledJobs().stream()
                        .map(Trigger::getId)
                        .toList()
                        .containsAll(expected.keySet()),
                "both jobs among " + scheduler.getScheduledJobs());
        expected.forEach((identity, interval) -> {
            Trigger trigger = scheduler.getScheduledJob(identity);
            assertNotNull(trigger, identity + " is scheduled");
            PeriodicJobs.Job job = jobs.job(identity).orElseThrow();
            assertEquals(interval, job.interval(), identity);
            // the first run is due one interval after start; before it, the simple scheduler reports the run after it
            Instant next = trigger.getNextFireTime();
            Instant earliest = job.scheduledAt().plus(interval);
            Instant latest = job.scheduledAt().plus(interval.multipliedBy(2)).plusSeconds(1);
            assertFalse(next.isBefore(earliest), identity + ": next run " + next + " before " + earliest);
            assertFalse(next.isAfter(latest), identity + ": next run " + next + " after " + latest);
            assertNull(trigger.getPreviousFireTime(), identity + " has not run yet");
            assertEquals(0, job.runs(), identity);
        });
    }

    @Test
    void aFailedRunIsCountedAndTheNextOnesRun() {
        PeriodicJobs own = own();
        String identity = identity();
        AtomicInteger calls = new AtomicInteger();
        assertTrue(own.schedule(identity, SECOND, "a test task", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database unavailable");
            }
        }));
        try {
            Awaitility.await("two runs after the failed one")
                    .atMost(Duration.ofSeconds(30))
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
        assertTrue(own.schedule(identity, SECOND, "a slow test task", () -> {
            started.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        PeriodicJobs.Job job = own.job(identity).orElseThrow();
        try {
            try {
                Awaitility.await("the scheduler skips runs while one is going")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> skipped.of(identity) >= 2);
                assertEquals(1, started.get(), "no second run started while the first was going");
                assertEquals(0, job.runs(), "the first one has not finished");
            } finally {
                release.countDown();
            }
            Awaitility.await("the first run finishes, then the next one runs")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> job.runs() >= 2);
            assertEquals(0, job.failures());
        } finally {
            scheduler.unscheduleJob(identity);
        }
    }

    @Test
    void aZeroOrNegativeIntervalSchedulesNothing() {
        PeriodicJobs own = own();
        String identity = identity();
        Runnable never = () -> {
            throw new AssertionError("must not run");
        };
        assertFalse(own.schedule(identity, Duration.ZERO, "a disabled task", never));
        assertFalse(own.schedule(identity, Duration.ofMinutes(-1), "a disabled task", never));
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
}
