package io.edgeloop.registry.api;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.registry.domain.RegistryException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps {@link RegistryException} to problem+json: invalid 400, not found 404, failed precondition 409. */
public class RegistryProblemMapper {
    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        ApiException api = switch (e.kind()) {
            case INVALID ->
                new ApiException(
                        400,
                        "Bad Request",
                        e.getMessage(),
                        e.errors().stream()
                                .map(RegistryProblemMapper::fieldError)
                                .toList());
            case NOT_FOUND -> ApiException.notFound(e.getMessage());
            case FAILED_PRECONDITION -> ApiException.conflict(e.getMessage());
        };
        return Response.status(api.status())
                .type(Problem.MEDIA_TYPE)
                .entity(api.toProblem())
                .build();
    }

    private static Problem.FieldError fieldError(String error) {
        int colon = error.indexOf(": ");
        return colon < 0
                ? new Problem.FieldError("", error)
                : new Problem.FieldError(error.substring(0, colon), error.substring(colon + 2));
    }
}
