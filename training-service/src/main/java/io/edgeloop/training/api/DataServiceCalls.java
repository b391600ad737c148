package io.edgeloop.training.api;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.training.grpc.GrpcRetry;
import io.edgeloop.training.grpc.SnapshotNotFoundException;
import io.grpc.Status;
import java.util.List;
import java.util.function.Supplier;

/** The REST errors of a request that resolves a snapshot through data-service. */
final class DataServiceCalls {
    private DataServiceCalls() {}

    /**
     * Runs {@code call}: 404 when data-service has no such snapshot, 422 when it rejects the reference, 503 for any
     * other gRPC failure; other exceptions propagate.
     */
    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (SnapshotNotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (RuntimeException e) {
            Status.Code code = GrpcRetry.code(e);
            if (code == Status.Code.INVALID_ARGUMENT) {
                throw ApiException.invalid(
                        "data-service rejected the snapshot reference",
                        List.of(new Problem.FieldError("datasetName", e.getMessage())));
            }
            if (code != null) {
                throw new ApiException(503, "Service Unavailable", "data-service: " + e.getMessage(), List.of());
            }
            throw e;
        }
    }
}
