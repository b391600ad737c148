package io.edgeloop.training.grpc;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import io.edgeloop.training.config.TrainingConfig;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.jboss.logging.Logger;

/** Retries gRPC calls that failed transiently, with exponential backoff (Failsafe). */
@ApplicationScoped
public class GrpcRetry {
    private static final Logger LOG = Logger.getLogger(GrpcRetry.class);
    private static final Set<Status.Code> TRANSIENT = Set.of(
            Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.ABORTED);

    @Inject
    TrainingConfig config;

    /** Whether {@code t} (or one of its causes) is a gRPC status worth retrying. */
    public static boolean isTransient(Throwable t) {
        Status.Code code = code(t);
        return code != null && TRANSIENT.contains(code);
    }

    /** The gRPC status code of {@code t} or its first cause that has one, else null. */
    public static Status.Code code(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StatusRuntimeException s) {
                return s.getStatus().getCode();
            }
            if (c instanceof StatusException s) {
                return s.getStatus().getCode();
            }
        }
        return null;
    }

    /**
     * Runs {@code call}, retrying transient failures. The last failure is rethrown unchanged when it is unchecked.
     *
     * @param what names the call in logs
     */
    public <T> T call(String what, CheckedSupplier<T> call) {
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handleIf(GrpcRetry::isTransient)
                .withBackoff(config.grpcRetryDelay(), config.grpcRetryMaxDelay())
                .withMaxRetries(config.grpcMaxRetries())
                .onRetry(e -> LOG.warnf("%s failed (%s), retry %d", what, e.getLastException(), e.getAttemptCount()))
                .build();
        try {
            return Failsafe.with(policy).get(call);
        } catch (FailsafeException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
