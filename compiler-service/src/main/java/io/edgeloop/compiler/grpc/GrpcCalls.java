package io.edgeloop.compiler.grpc;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.CompilationFailure;
import io.edgeloop.compiler.domain.PeerUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Runs gRPC calls with retries: transient failures (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED) are
 * retried with exponential backoff and end as {@link PeerUnavailableException}; any other status is permanent and
 * becomes a {@link CompilationFailure} naming the call.
 */
@ApplicationScoped
public class GrpcCalls {
    private static final Logger LOG = Logger.getLogger(GrpcCalls.class);
    private static final Set<Status.Code> TRANSIENT = Set.of(
            Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.ABORTED);

    @Inject
    CompilerConfig config;

    /** Whether {@code e} is a gRPC failure worth retrying. */
    public static boolean isTransient(Throwable e) {
        return e instanceof StatusRuntimeException sre
                && TRANSIENT.contains(sre.getStatus().getCode());
    }

    /**
     * Runs {@code call} (a description such as {@code registry Download abc...} names it in errors).
     *
     * @throws PeerUnavailableException when the peer stayed unavailable through all attempts
     * @throws CompilationFailure on a permanent gRPC error (NOT_FOUND, INVALID_ARGUMENT, DATA_LOSS, ...)
     */
    public <T> T call(String what, CheckedSupplier<T> call) {
        RetryPolicy<T> retry = RetryPolicy.<T>builder()
                .handleIf(GrpcCalls::isTransient)
                .withBackoff(config.grpc().initialBackoff(), config.grpc().maxBackoff())
                .withMaxAttempts(config.grpc().maxAttempts())
                .onRetry(e -> LOG.warnf(
                        "%s failed (attempt %d), retrying: %s", what, e.getAttemptCount(), e.getLastException()))
                .build();
        try {
            return Failsafe.with(retry).get(call);
        } catch (StatusRuntimeException e) {
            if (isTransient(e)) {
                throw new PeerUnavailableException(
                        what + " failed after " + config.grpc().maxAttempts() + " attempts: " + describe(e), e);
            }
            throw new CompilationFailure(what + " failed: " + describe(e), e);
        } catch (FailsafeException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** {@code CODE: description} of a gRPC failure. */
    public static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        return s.getDescription() == null ? s.getCode().name() : s.getCode() + ": " + s.getDescription();
    }
}
