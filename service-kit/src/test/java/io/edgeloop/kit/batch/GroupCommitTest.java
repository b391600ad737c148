package io.edgeloop.kit.batch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Items queued while a batch is being applied are applied together in the next one, in order. */
    @Test
    void itemsQueuedDuringABatchFormTheNextBatch() throws Exception {
        CountDownLatch firstEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
        try (GroupCommit<Integer, String> commits = GroupCommit.<Integer, String>builder("t", batch -> {
                    seen.add(List.copyOf(batch));
                    return batch.stream().map(i -> "v" + i).toList();
                })
                .single(i -> {
                    seen.add(List.of(i));
                    firstEntered.countDown();
                    hold(release);
                    return "v" + i;
                })
                .maxBatch(3)
                .build()) {
            CompletableFuture<String> first = commits.submit(0);
            assertTrue(firstEntered.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<String>> rest = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                rest.add(commits.submit(i));
            }
            release.countDown();
            assertEquals("v0", first.get(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 5; i++) {
                assertEquals("v" + i, rest.get(i - 1).get(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5)), seen);
            GroupCommit.Stats stats = commits.stats();
            assertEquals(3, stats.batches());
            assertEquals(6, stats.items());
            assertEquals(0, stats.fallbacks());
            assertEquals(2.0, stats.meanBatch(), 1e-9);
        }
    }

    /** A failing batch is applied item by item: only the bad item's caller sees its error. */
    @Test
    void aFailedBatchFailsOnlyItsBadItem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        List<Integer> applied = Collections.synchronizedList(new ArrayList<>());
        try (GroupCommit<Integer, Integer> commits = GroupCommit.<Integer, Integer>builder("t", batch -> {
                    if (batch.contains(-1)) {
                        throw new IllegalArgumentException("negative in batch");
                    }
                    applied.addAll(batch);
                    return batch;
                })
                .single(i -> {
                    if (i == 100) {
                        blocked.countDown();
                        hold(release);
                    }
                    if (i < 0) {
                        throw new IllegalArgumentException("item " + i + " is negative");
                    }
                    applied.add(i);
                    return i * 2;
                })
                .build()) {
            CompletableFuture<Integer> blocker = commits.submit(100);
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            CompletableFuture<Integer> a = commits.submit(1);
            CompletableFuture<Integer> bad = commits.submit(-1);
            CompletableFuture<Integer> b = commits.submit(2);
            release.countDown();
            assertEquals(200, blocker.get(10, TimeUnit.SECONDS));
            assertEquals(2, a.get(10, TimeUnit.SECONDS));
            assertEquals(4, b.get(10, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertEquals("item -1 is negative", e.getCause().getMessage());
            assertEquals(List.of(100, 1, 2), applied);
            assertEquals(1, commits.stats().fallbacks());
            IllegalArgumentException thrown =
                    assertThrows(IllegalArgumentException.class, () -> commits.apply(-5, WAIT));
            assertEquals("item -5 is negative", thrown.getMessage());
        }
    }

    /** A batch function that answers the wrong number of results counts as failed. */
    @Test
    void aBatchWithTheWrongNumberOfResultsFallsBackToSingles() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> commits = GroupCommit.<Integer, Integer>builder("t", batch -> List.of(0))
                .single(i -> {
                    if (i == 0) {
                        blocked.countDown();
                        hold(release);
                    }
                    return i + 1;
                })
                .build()) {
            CompletableFuture<Integer> first = commits.submit(0);
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            CompletableFuture<Integer> x = commits.submit(5);
            CompletableFuture<Integer> y = commits.submit(6);
            release.countDown();
            assertEquals(1, first.get(10, TimeUnit.SECONDS));
            assertEquals(6, x.get(10, TimeUnit.SECONDS));
            assertEquals(7, y.get(10, TimeUnit.SECONDS));
            assertEquals(1, commits.stats().fallbacks());
        }
    }

    /** One caller's items are applied and answered in order; the first failure is what the caller sees. */
    @Test
    void applyAllAnswersInOrderOrThrowsTheFirstFailure() {
        try (GroupCommit<Integer, Integer> commits = GroupCommit.<Integer, Integer>builder("t", batch -> {
                    if (batch.stream().anyMatch(i -> i < 0)) {
                        throw new IllegalArgumentException("a negative item in the batch");
                    }
                    return batch.stream().map(i -> i * 10).toList();
                })
                .single(i -> {
                    if (i < 0) {
                        throw new IllegalArgumentException("item " + i + " is negative");
                    }
                    return i * 10;
                })
                .build()) {
            assertEquals(List.of(10, 20, 30), commits.applyAll(List.of(1, 2, 3), WAIT));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> commits.applyAll(List.of(4, -1, -2), WAIT));
            assertEquals("item -1 is negative", e.getMessage(), "the first failed item in the caller's order");
        }
    }

    /** Without a single-item function, a lone item goes through the batch function. */
    @Test
    void theBatchFunctionAppliesLoneItemsByDefault() {
        try (GroupCommit<String, Integer> commits = GroupCommit.<String, Integer>builder(
                        "t", batch -> batch.stream().map(String::length).toList())
                .build()) {
            assertEquals(5, commits.apply("hello", WAIT));
        }
    }

    /** After close, nothing is taken; items queued behind a running batch are failed, not left hanging. */
    @Test
    void closeFinishesTheRunningBatchAndFailsTheQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        GroupCommit<Integer, Integer> commits = GroupCommit.<Integer, Integer>builder("t", batch -> batch)
                .single(i -> {
                    blocked.countDown();
                    hold(release);
                    return i;
                })
                .build();
        CompletableFuture<Integer> running = commits.submit(1);
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> queued = commits.submit(2);
        Thread closer = new Thread(commits::close);
        closer.start();
        // close() has drained the queue and waits for the running batch
        await().atMost(WAIT).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        closer.join(10_000);
        assertEquals(1, running.get(10, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(10, TimeUnit.SECONDS));
        assertTrue(
                e.getCause() instanceof RejectedExecutionException, e.getCause().toString());
        assertThrows(RejectedExecutionException.class, () -> commits.submit(3));
    }

    /** A full queue refuses at once instead of blocking the caller. */
    @Test
    void aFullQueueRefuses() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> commits = GroupCommit.<Integer, Integer>builder("t", batch -> batch)
                .single(i -> {
                    blocked.countDown();
                    hold(release);
                    return i;
                })
                .queueCapacity(1)
                .build()) {
            commits.submit(1);
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            commits.submit(2);
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> commits.submit(3));
            assertTrue(e.getMessage().contains("full"), e.getMessage());
            release.countDown();
        }
    }

    @Test
    void settingsAreChecked() {
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupCommit.builder("t", b -> b).maxBatch(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupCommit.builder("t", b -> b).committers(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupCommit.builder("t", b -> b)
                        .committers(2)
                        .queueCapacity(1)
                        .build());
    }

    private static void hold(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
