package io.edgeloop.kit.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Group commit: items submitted by many threads are applied in batches by a few committer threads, one call of the
 * batch function per batch (typically one database transaction for many small writes, instead of one each). A
 * committer takes whatever is queued, up to {@code maxBatch} items, without waiting for more: under light load a
 * batch holds one item and nothing is delayed; under load, items queue up while a batch commits and the next batch
 * takes them all.
 *
 * <p>When a batch fails, each of its items is applied alone with the single-item function, so one bad item (invalid,
 * refused, in a deadlock) fails only its own caller, and every other caller gets the result it would have had alone.
 * Both functions must therefore be all-or-nothing (a rolled-back transaction) and give the same result for an item.
 *
 * <pre>{@code
 * try (GroupCommit<Window, Ack> commits = GroupCommit.builder("telemetry", store::reportAll)
 *         .single(store::report).maxBatch(64).committers(2).build()) {
 *     Ack ack = commits.apply(window, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * @param <I> item
 * @param <O> the result of one item
 */
public final class GroupCommit<I, O> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final String name;
    private final Function<List<I>, List<O>> batch;
    private final Function<I, O> single;
    private final int maxBatch;
    private final BlockingQueue<Pending<I, O>> queue;
    private final List<Thread> committers = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile boolean closed;

    /** A submitted item; a null item (with a null result) tells a committer to stop. */
    private record Pending<I, O>(I item, CompletableFuture<O> result) {}

    /**
     * Counters since start.
     *
     * @param batches batch function calls and lone single-item calls
     * @param items items applied (successfully or not)
     * @param fallbacks failed batches whose items were applied one by one
     */
    public record Stats(long batches, long items, long fallbacks) {
        /** Mean items per batch, 0 before the first. */
        public double meanBatch() {
            return batches == 0 ? 0 : (double) items / batches;
        }
    }

    private GroupCommit(Builder<I, O> b) {
        this.name = b.name;
        this.batch = b.batch;
        this.single = b.single != null ? b.single : item -> only(b.batch.apply(List.of(item)));
        this.maxBatch = b.maxBatch;
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        for (int i = 0; i < b.committers; i++) {
            Thread t = new Thread(this::commitLoop, "group-commit-" + name + "-" + i);
            t.setDaemon(true);
            committers.add(t);
        }
        committers.forEach(Thread::start);
    }

    /**
     * A builder.
     *
     * @param name names the committer threads and log lines
     * @param batch applies a batch all-or-nothing, returning one result per item in the items' order
     */
    public static <I, O> Builder<I, O> builder(String name, Function<List<I>, List<O>> batch) {
        return new Builder<>(name, batch);
    }

    /**
     * Queues {@code item}; the future completes with its result or the exception that applying it alone threw.
     *
     * @throws RejectedExecutionException when closed or when the queue is full
     */
    public CompletableFuture<O> submit(I item) {
        Objects.requireNonNull(item, "item");
        CompletableFuture<O> result = new CompletableFuture<>();
        if (closed || !queue.offer(new Pending<>(item, result))) {
            throw new RejectedExecutionException(
                    "group commit " + name + (closed ? " is closed" : " is full (" + queue.size() + " queued)"));
        }
        return result;
    }

    /**
     * Applies {@code item} and waits for its result.
     *
     * @throws RuntimeException what applying the item threw (unwrapped), a {@link RejectedExecutionException} when
     *     it cannot be queued, or an {@link IllegalStateException} when no result came within {@code timeout} (the
     *     item may still be applied later)
     */
    public O apply(I item, Duration timeout) {
        return await(submit(item), timeout, timeout);
    }

    private O await(CompletableFuture<O> result, Duration left, Duration timeout) {
        try {
            return result.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("group commit " + name + ": no result within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for group commit " + name, e);
        }
    }

    /**
     * Applies many items (one caller's batch) and waits for all of their results, in order: the items join the queue
     * like any others, so they may share batches with other callers' items.
     *
     * @throws RuntimeException as {@link #apply}, for the first item that failed (the others may have been applied)
     */
    public List<O> applyAll(List<I> items, Duration timeout) {
        List<CompletableFuture<O>> results = new ArrayList<>(items.size());
        for (I item : items) {
            results.add(submit(item));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<O> out = new ArrayList<>(items.size());
        for (CompletableFuture<O> result : results) {
            out.add(await(result, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), timeout));
        }
        return out;
    }

    /** Counters since start. */
    public Stats stats() {
        return new Stats(batches.get(), items.get(), fallbacks.get());
    }

    /**
     * Stops taking items, lets each committer finish the batch it is applying, then fails whatever is still queued
     * with a {@link RejectedExecutionException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Pending<I, O>> left = new ArrayList<>();
        queue.drainTo(left);
        for (int i = 0; i < committers.size(); i++) {
            queue.offer(new Pending<>(null, null)); // room: the queue was just drained
        }
        for (Thread t : committers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        queue.drainTo(left);
        for (Pending<I, O> p : left) {
            if (p.result() != null) {
                p.result().completeExceptionally(new RejectedExecutionException("group commit " + name + " closed"));
            }
        }
    }

    private void commitLoop() {
        List<Pending<I, O>> taken = new ArrayList<>(maxBatch);
        while (true) {
            taken.clear();
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(taken, maxBatch - 1);
            int stop = indexOfStop(taken);
            if (stop >= 0) {
                apply(taken.subList(0, stop));
                return;
            }
            apply(taken);
        }
    }

    private static int indexOfStop(List<? extends Pending<?, ?>> taken) {
        for (int i = 0; i < taken.size(); i++) {
            if (taken.get(i).item() == null) {
                return i;
            }
        }
        return -1;
    }

    private void apply(List<Pending<I, O>> pending) {
        if (pending.isEmpty()) {
            return;
        }
        batches.incrementAndGet();
        items.addAndGet(pending.size());
        if (pending.size() == 1) {
            applyAlone(pending.get(0));
            return;
        }
        List<I> in = new ArrayList<>(pending.size());
        pending.forEach(p -> in.add(p.item()));
        List<O> out;
        try {
            out = batch.apply(in);
            if (out.size() != in.size()) {
                throw new IllegalStateException(
                        "group commit " + name + ": " + out.size() + " results for " + in.size() + " items");
            }
        } catch (RuntimeException | Error e) {
            fallbacks.incrementAndGet();
            LOG.debugf(e, "group commit %s: a batch of %d failed; applying its items one by one", name, in.size());
            pending.forEach(this::applyAlone);
            return;
        }
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).result().complete(out.get(i));
        }
    }

    private void applyAlone(Pending<I, O> p) {
        try {
            p.result().complete(single.apply(p.item()));
        } catch (RuntimeException | Error e) {
            p.result().completeExceptionally(e);
        }
    }

    private static <O> O only(List<O> results) {
        if (results.size() != 1) {
            throw new IllegalStateException(results.size() + " results for one item");
        }
        return results.get(0);
    }

    /** Settings of a {@link GroupCommit}. */
    public static final class Builder<I, O> {
        private final String name;
        private final Function<List<I>, List<O>> batch;
        private Function<I, O> single;
        private int maxBatch = 64;
        private int committers = 1;
        private int queueCapacity = 10_000;

        private Builder(String name, Function<List<I>, List<O>> batch) {
            this.name = Objects.requireNonNull(name, "name");
            this.batch = Objects.requireNonNull(batch, "batch");
        }

        /** Applies one item alone (a failed batch's items, a lone item); by default the batch function of one. */
        public Builder<I, O> single(Function<I, O> single) {
            this.single = Objects.requireNonNull(single, "single");
            return this;
        }

        /** Most items per batch (64). */
        public Builder<I, O> maxBatch(int maxBatch) {
            this.maxBatch = positive(maxBatch, "maxBatch");
            return this;
        }

        /** Committer threads, i.e. batches applied at once (1). */
        public Builder<I, O> committers(int committers) {
            this.committers = positive(committers, "committers");
            return this;
        }

        /** Most items queued; {@link #submit} refuses more (10,000). */
        public Builder<I, O> queueCapacity(int queueCapacity) {
            this.queueCapacity = positive(queueCapacity, "queueCapacity");
            return this;
        }

        /** Starts the committer threads. */
        public GroupCommit<I, O> build() {
            if (queueCapacity < committers) {
                throw new IllegalArgumentException("queueCapacity must be at least committers");
            }
            return new GroupCommit<>(this);
        }

        private static int positive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, not " + value);
            }
            return value;
        }
    }
}
