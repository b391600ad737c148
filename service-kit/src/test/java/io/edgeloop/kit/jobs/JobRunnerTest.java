package io.edgeloop.kit.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class JobRunnerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Jobs jobs;

    @Inject
    JobStore store;

    @Inject
    TestJobs handler;

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry registry;

    private static String key() {
        return "k-" + UUID.randomUUID();
    }

    private void enqueue(String key, String what) {
        QuarkusTransaction.requiringNew()
                .run(() -> jobs.enqueue(TestJobs.KIND, key, what.getBytes(StandardCharsets.UTF_8)));
    }

    private JobRecord job(String key) {
        return jobs.find(TestJobs.KIND, key).orElseThrow();
    }

    @Test
    void aJobRunsOnceEvenWhenEnqueuedTwice() {
        String key = key();
        boolean[] created = new boolean[2];
        QuarkusTransaction.requiringNew().run(() -> {
            created[0] = jobs.enqueue(TestJobs.KIND, key, "ok".getBytes(StandardCharsets.UTF_8));
            created[1] = jobs.enqueue(TestJobs.KIND, key, "ok".getBytes(StandardCharsets.UTF_8));
        });
        assertArrayEquals(new boolean[] {true, false}, created);
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.DONE);
        assertEquals(1, handler.completions(key));
        assertEquals(1, job(key).attempts);
        assertNull(job(key).leaseOwner);
    }

    @Test
    void aJobEnqueuedInARolledBackTransactionDoesNotExist() {
        String key = key();
        assertThrows(
                IllegalStateException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    jobs.enqueue(TestJobs.KIND, key, "ok".getBytes(StandardCharsets.UTF_8));
                    throw new IllegalStateException("the event's effects failed");
                }));
        assertTrue(jobs.find(TestJobs.KIND, key).isEmpty());
    }

    @Test
    void transientFailuresAreRetriedWithBackoffUntilTheJobSucceeds() {
        long failed = runs("failed");
        long succeeded = runs("succeeded");
        String key = key();
        enqueue(key, "fail-2");
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.DONE);
        assertEquals(3, job(key).attempts);
        assertEquals(1, handler.completions(key));
        // every attempt is in the job duration series, by outcome
        await().atMost(WAIT).until(() -> runs("succeeded") == succeeded + 1);
        assertEquals(failed + 2, runs("failed"));
    }

    private long runs(String outcome) {
        Timer t = registry.find("edgeloop.jobs.duration")
                .tags("kind", TestJobs.KIND, "outcome", outcome)
                .timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void aJobThatKeepsFailingIsParkedAndAnOperatorCanRetryIt() {
        String key = key();
        enqueue(key, "never");
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.PARKED);
        JobRecord parked = job(key);
        assertEquals(3, parked.attempts);
        assertTrue(parked.lastError.contains("peer unavailable"), parked.lastError);
        assertTrue(jobs.list(JobRecord.Status.PARKED, 100).stream().anyMatch(j -> j.jobKey.equals(key)));

        assertTrue(jobs.retry(parked.id));
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.PARKED && job(key).attempts == 3);
        assertEquals(6, handler.attemptsOf(key));
        assertFalse(jobs.retry(Long.MAX_VALUE));
    }

    @Test
    void aPermanentFailureFailsTheJobWithoutRetry() {
        String key = key();
        enqueue(key, "bad");
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.FAILED);
        assertEquals(1, job(key).attempts);
        assertEquals("input can never work", job(key).lastError);
    }

    @Test
    void aJobWhoseWorkerDiedIsTakenOverWhenItsLeaseLapses() {
        String key = key();
        // what a worker killed mid-job leaves behind: RUNNING, its lease, one attempt
        QuarkusTransaction.requiringNew().run(() -> {
            jobs.enqueue(TestJobs.KIND, key, "ok".getBytes(StandardCharsets.UTF_8));
            em.createQuery("update JobRecord set status = ?1, leaseOwner = 'dead-replica', leaseUntil = ?2,"
                            + " attempts = 1 where jobKey = ?3")
                    .setParameter(1, JobRecord.Status.RUNNING)
                    .setParameter(2, Instant.now().plusSeconds(1))
                    .setParameter(3, key)
                    .executeUpdate();
        });
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.DONE);
        assertEquals(2, job(key).attempts);
        assertEquals(1, handler.completions(key));
    }

    @Test
    void aJobThatKillsItsWorkerEveryTimeIsParked() {
        String key = key();
        QuarkusTransaction.requiringNew().run(() -> {
            jobs.enqueue(TestJobs.KIND, key, "ok".getBytes(StandardCharsets.UTF_8));
            em.createQuery("update JobRecord set status = ?1, leaseOwner = 'dead-replica', leaseUntil = ?2,"
                            + " attempts = 3 where jobKey = ?3")
                    .setParameter(1, JobRecord.Status.RUNNING)
                    .setParameter(2, Instant.now().minusSeconds(1))
                    .setParameter(3, key)
                    .executeUpdate();
        });
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.PARKED);
        assertTrue(job(key).lastError.contains("gave up after 3 attempts"), job(key).lastError);
        assertTrue(job(key).lastError.contains("worker died"), job(key).lastError);
        assertEquals(0, handler.attemptsOf(key));
    }

    @Test
    void concurrentWorkersClaimEachJobOnce() throws Exception {
        String kind = "unhandled-" + UUID.randomUUID().toString().substring(0, 8); // no local worker takes these
        List<String> keys = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 30; i++) {
                keys.add("k" + i);
                jobs.enqueue(kind, "k" + i, new byte[0]);
            }
        });
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        List<String> duplicates = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        for (int w = 0; w < 4; w++) {
            String owner = "replica-" + w;
            pool.submit(() -> {
                start.await();
                Job job;
                while ((job = store.claim(kind, owner, Duration.ofMinutes(1))) != null) {
                    if (!claimed.add(job.key())) {
                        duplicates.add(job.key());
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(duplicates.isEmpty(), duplicates.toString());
        assertEquals(new HashSet<>(keys), claimed);
    }

    @Test
    void completingAJobAnotherWorkerTookOverRollsBackTheEffects() {
        String kind = "unhandled-" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> jobs.enqueue(kind, "k", new byte[0]));
        Job mine = store.claim(kind, "replica-a", Duration.ofMillis(1));
        await().atMost(WAIT).until(() -> store.claim(kind, "replica-b", Duration.ofMinutes(1)) != null);
        assertThrows(
                LeaseLostException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> jobs.complete(mine)));
        assertTrue(mine.leaseLost());
        assertFalse(store.renew(mine, Duration.ofMinutes(1)));
        JobRecord now = jobs.find(kind, "k").orElseThrow();
        assertEquals(JobRecord.Status.RUNNING, now.status);
        assertEquals("replica-b", now.leaseOwner);
    }

    @Test
    void finishedJobsAreTrimmedAfterTheRetention() {
        String key = key();
        enqueue(key, "ok");
        await().atMost(WAIT).until(() -> job(key).status == JobRecord.Status.DONE);
        int removed = QuarkusTransaction.requiringNew()
                .call(() -> store.trim(Instant.now().plusSeconds(1)));
        assertTrue(removed >= 1);
        assertTrue(jobs.find(TestJobs.KIND, key).isEmpty());
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        JobsConfig config = new JobsConfig() {
            public boolean enabled() {
                return true;
            }

            public Duration pollInterval() {
                return Duration.ofSeconds(1);
            }

            public Duration lease() {
                return Duration.ofSeconds(30);
            }

            public int maxAttempts() {
                return 5;
            }

            public Duration initialBackoff() {
                return Duration.ofSeconds(2);
            }

            public Duration maxBackoff() {
                return Duration.ofSeconds(10);
            }

            public Duration retention() {
                return Duration.ofDays(7);
            }
        };
        assertEquals(Duration.ofSeconds(2), JobStore.backoff(1, config));
        assertEquals(Duration.ofSeconds(4), JobStore.backoff(2, config));
        assertEquals(Duration.ofSeconds(8), JobStore.backoff(3, config));
        assertEquals(Duration.ofSeconds(10), JobStore.backoff(40, config));
    }
}
