package io.edgeloop.compiler.grpc;

import dev.failsafe.function.CheckedSupplier;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.CompilationFailure;
import io.edgeloop.compiler.domain.PeerUnavailableException;
import io.edgeloop.kit.grpc.GrpcRetries;
import io.grpc.StatusRuntimeException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Runs gRPC calls with retries: transient failures (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED) are
 * retried with exponential backoff and end as {@link PeerUnavailableException}; any other status is permanent and
 * becomes a {@link CompilationFailure} naming the call.
 */
@ApplicationScoped
public class GrpcCalls {
    @Inject
    CompilerConfig config;

    private GrpcRetries retries;

    @PostConstruct
    void init() {
        retries = new GrpcRetries(
                config.grpc().initialBackoff(),
                config.grpc().maxBackoff(),
                config.grpc().maxAttempts());
    }

    /** Whether {@code e} (or one of its causes) is a gRPC failure worth retrying. */
    public static boolean isTransient(Throwable e) {
        return GrpcRetries.isTransient(e);
    }

    /**
     * Runs {@code call} (a description such as {@code registry Download abc...} names it in errors).
     *
     * @throws PeerUnavailableException when the peer stayed unavailable through all attempts
     * @throws CompilationFailure on a permanent gRPC error (NOT_FOUND, INVALID_ARGUMENT, DATA_LOSS, ...)
     */
    public <T> T call(String what, CheckedSupplier<T> call) {
        try {
            return retries.call(what, call);
        } catch (StatusRuntimeException e) {
            if (isTransient(e)) {
                throw new PeerUnavailableException(
                        what + " failed after " + retries.maxAttempts() + " attempts: " + describe(e), e);
            }
            throw new CompilationFailure(what + " failed: " + describe(e), e);
        }
    }

    /** {@code CODE: description} of a gRPC failure. */
    public static String describe(StatusRuntimeException e) {
        return GrpcRetries.describe(e);
    }
}
