package io.edgeloop.training.grpc;

import dev.failsafe.function.CheckedSupplier;
import io.edgeloop.kit.grpc.GrpcRetries;
import io.edgeloop.training.config.TrainingConfig;
import io.grpc.Status;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Retries gRPC calls that failed transiently, with the backoff of {@code edgeloop.training.grpc-*}. */
@ApplicationScoped
public class GrpcRetry {
    @Inject
    TrainingConfig config;

    private GrpcRetries retries;

    @PostConstruct
    void init() {
        retries = new GrpcRetries(config.grpcRetryDelay(), config.grpcRetryMaxDelay(), config.grpcMaxRetries() + 1);
    }

    /** Whether {@code t} (or one of its causes) is a gRPC status worth retrying. */
    public static boolean isTransient(Throwable t) {
        return GrpcRetries.isTransient(t);
    }

    /** The gRPC status code of {@code t} or its first cause that has one, else null. */
    public static Status.Code code(Throwable t) {
        return GrpcRetries.code(t);
    }

    /**
     * Runs {@code call}, retrying transient failures. The last failure is rethrown unchanged when it is unchecked.
     *
     * @param what names the call in logs
     */
    public <T> T call(String what, CheckedSupplier<T> call) {
        return retries.call(what, call);
    }
}
