package io.edgeloop.kit.api;

import java.util.List;

/**
 * A request that cannot be served, mapped to a problem+json response with its status. Use the factories: one per
 * failure kind.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;

    public ApiException(int status, String title, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    /** 400: the request is malformed. */
    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail, List.of());
    }

    /** 422: well-formed, but the content is invalid; {@code errors} says where. */
    public static ApiException invalid(String detail, List<Problem.FieldError> errors) {
        return new ApiException(422, "Unprocessable Content", detail, errors);
    }

    /** 404. */
    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not Found", detail, List.of());
    }

    /** 409: conflicts with the current state. */
    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, List.of());
    }

    public int status() {
        return status;
    }

    public Problem toProblem() {
        return new Problem("about:blank", title, status, getMessage(), errors);
    }
}
