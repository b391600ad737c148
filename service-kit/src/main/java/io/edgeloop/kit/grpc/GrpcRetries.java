package io.edgeloop.kit.grpc;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import io.edgeloop.kit.rpc.TransientFailures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Retries of gRPC calls that failed transiently (web-kit {@link TransientFailures}: UNAVAILABLE, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, ABORTED, found on the exception or any of its causes), with exponential backoff (Failsafe). Immutable and thread-safe; build one per
 * peer or per service from its config.
 */
public final class GrpcRetries {
    private static final Logger LOG = Logger.getLogger(GrpcRetries.class);
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxAttempts;

    /**
     * @param initialBackoff delay before the first retry, doubled for every next one
     * @param maxBackoff longest delay between attempts
     * @param maxAttempts attempts in all (1 = no retry)
     */
    public GrpcRetries(Duration initialBackoff, Duration maxBackoff, int maxAttempts) {
        if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need maxAttempts >= 1 and 0 <= initialBackoff <= maxBackoff");
        }
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxAttempts = maxAttempts;
    }

    /** Attempts in all. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Runs {@code call}, retrying transient failures; the last failure is rethrown unchanged when it is unchecked
     * (a checked one is wrapped in {@link IllegalStateException}).
     *
     * @param what names the call in logs, e.g. {@code registry Download ab12...}
     */
    public <T> T call(String what, CheckedSupplier<T> call) {
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handleIf(GrpcRetries::isTransient)
                .withBackoff(initialBackoff.isZero() ? Duration.ofMillis(1) : initialBackoff, maxBackoff)
                .withMaxAttempts(maxAttempts)
                .onRetry(e -> LOG.warnf(
                        "%s failed (attempt %d), retrying: %s", what, e.getAttemptCount(), e.getLastException()))
                .build();
        try {
            return Failsafe.with(policy).get(call);
        } catch (FailsafeException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(what + " failed: " + cause, cause);
        }
    }

    /** Whether {@code t} (or one of its causes) is a gRPC status worth retrying ({@link TransientFailures}). */
    public static boolean isTransient(Throwable t) {
        return TransientFailures.isTransient(t);
    }

    /** The gRPC status code of {@code t} or its first cause that has one, else null. */
    public static Status.Code code(Throwable t) {
        return TransientFailures.code(t);
    }

    /** {@code CODE: description} of a gRPC failure. */
    public static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        return s.getDescription() == null ? s.getCode().name() : s.getCode() + ": " + s.getDescription();
    }
}
