package io.edgeloop.data.grpc;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.stream.Collectors;

/** The gRPC status of a refusal the domain raised as an {@link ApiException}, for every RPC of this service. */
final class GrpcProblems {
    private GrpcProblems() {}

    /** NOT_FOUND for a 404; INVALID_ARGUMENT otherwise (422, 413, 400), naming every field the refusal names. */
    static StatusRuntimeException status(ApiException e) {
        Status s = e.status() == 404 ? Status.NOT_FOUND : Status.INVALID_ARGUMENT;
        List<FieldError> errors = e.toProblem().errors();
        String fields = errors == null || errors.isEmpty()
                ? ""
                : ": "
                        + errors.stream()
                                .map(f -> f.field() + ": " + f.message())
                                .collect(Collectors.joining("; "));
        return s.withDescription(e.getMessage() + fields).asRuntimeException();
    }
}
