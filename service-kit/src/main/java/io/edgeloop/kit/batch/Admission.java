package io.edgeloop.kit.batch;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admits at most {@code concurrency} callers into a section at once; the others wait their turn, in arrival order,
 * for at most {@code maxWait}, then are refused with {@link Busy}. Put in front of work that holds a scarce resource
 * (a pooled database connection) when callers arrive in bursts (a fleet reconnecting): the burst queues here instead
 * of timing out at the pool, and the pool keeps connections free for other work.
 *
 * <pre>{@code
 * try (Admission.Permit p = admission.enter()) {
 *     ... // at most `concurrency` threads here
 * }
 * }</pre>
 */
public final class Admission {
    private final String name;
    private final int concurrency;
    private final Duration maxWait;
    private final Semaphore permits;
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong waited = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param name what is admitted, for messages ("watch opens")
     * @param concurrency callers inside at once, at least 1
     * @param maxWait longest wait for a turn before {@link Busy}, not negative
     */
    public Admission(String name, int concurrency, Duration maxWait) {
        if (concurrency < 1) {
            throw new IllegalArgumentException(name + ": concurrency must be at least 1, not " + concurrency);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException(name + ": the longest wait must not be negative, not " + maxWait);
        }
        this.name = name;
        this.concurrency = concurrency;
        this.maxWait = maxWait;
        this.permits = new Semaphore(concurrency, true);
    }

    /**
     * Waits for a turn (at most the longest wait) and enters; close the permit to leave.
     *
     * @throws Busy when no turn came within the longest wait, or the thread was interrupted while waiting
     */
    public Permit enter() {
        boolean at = permits.tryAcquire();
        if (!at) {
            waited.incrementAndGet();
            try {
                at = permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!at) {
            refused.incrementAndGet();
            throw new Busy(name + ": no turn within " + maxWait + " (" + concurrency + " at once)");
        }
        admitted.incrementAndGet();
        peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
        return new Permit();
    }

    /** What this admission has done since it was made. */
    public Stats stats() {
        return new Stats(concurrency, inside.get(), peak.get(), admitted.get(), waited.get(), refused.get());
    }

    /**
     * Counters of an {@link Admission}.
     *
     * @param concurrency callers admitted at once
     * @param inside callers inside now
     * @param peak most callers that were inside at once
     * @param admitted callers admitted
     * @param waited callers that found no free turn on arrival and waited
     * @param refused callers refused after the longest wait
     */
    public record Stats(int concurrency, int inside, int peak, long admitted, long waited, long refused) {}

    /** A caller's turn: closing it (once) lets the next waiting caller in. */
    public final class Permit implements AutoCloseable {
        private boolean closed;

        private Permit() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                inside.decrementAndGet();
                permits.release();
            }
        }
    }

    /** No turn came within the longest wait: the caller should retry later (a transient, busy condition). */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message);
        }
    }
}
