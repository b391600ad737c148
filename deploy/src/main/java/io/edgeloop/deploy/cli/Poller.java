package io.edgeloop.deploy.cli;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The poll loop of the commands that follow something until it ends ({@code rollouts watch}, {@code runs follow}):
 * asks for the current state every interval, hands each change to the command to print, and stops at a terminal state
 * or, with a {@link CliError}, once the deadline ({@code timeout} after the first poll) has passed. Time comes from an
 * injectable monotonic clock and sleeper, so tests run the loop without waiting.
 */
final class Poller {
    /** Waits between two polls. */
    @FunctionalInterface
    interface Sleeper {
        /** Waits {@code duration}. */
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Duration interval;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    /** Polls every {@code interval} for at most {@code timeout}, on the system's clock, sleeping the thread. */
    Poller(Duration interval, Duration timeout) {
        this(interval, timeout, System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    /** As {@link #Poller(Duration, Duration)} with time read from {@code nanoTime} (monotonic) and {@code sleeper}. */
    Poller(Duration interval, Duration timeout, LongSupplier nanoTime, Sleeper sleeper) {
        this.interval = Objects.requireNonNull(interval, "interval");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** The time between two polls. */
    Duration interval() {
        return interval;
    }

    /** How long it polls before giving up. */
    Duration timeout() {
        return timeout;
    }

    /**
     * Polls {@code poll} until an answer is {@code ended}, which it returns. {@code changed} gets each answer whose
     * {@code key} differs from the previous answer's (the first one included, with {@code null} as the previous;
     * the ended one included), before the answer is checked; once the deadline has passed after a poll that did not
     * end, {@code timedOut} makes the error thrown from that last answer.
     *
     * @throws CliError from {@code timedOut}, or when the thread is interrupted while waiting
     */
    <T> T until(
            Supplier<T> poll,
            Predicate<T> ended,
            Function<T, ?> key,
            BiConsumer<T, T> changed,
            Function<T, CliError> timedOut) {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        T previous = null;
        while (true) {
            T now = poll.get();
            if (previous == null || !Objects.equals(key.apply(previous), key.apply(now))) {
                changed.accept(previous, now);
            }
            if (ended.test(now)) {
                return now;
            }
            if (nanoTime.getAsLong() - deadline > 0) {
                throw timedOut.apply(now);
            }
            previous = now;
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliError("interrupted");
            }
        }
    }
}
