package io.edgeloop.registry.mlflow;

import io.edgeloop.registry.domain.ModelStateException;
import io.edgeloop.registry.domain.RegistryException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error of the MLflow-compatible API, answered in MLflow's shape {@code {"error_code": ..., "message": ...}}.
 */
public class MlflowException extends RuntimeException {
    /** MLflow's code for unknown models, versions, aliases, experiments and runs (HTTP 404). */
    public static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    /** MLflow's code for bad parameters (HTTP 400). */
    public static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
    /** MLflow's code for creating what exists (HTTP 400). */
    public static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
    /** MLflow's code for a path it does not serve (HTTP 404 / 405). */
    public static final String ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND";
    /** MLflow's code for a missing or bad credential (HTTP 401). */
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    /** MLflow's code for a caller not allowed to do this (HTTP 403). */
    public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
    /**
     * MLflow's code for a request the current state does not allow. MLflow's server answers it with HTTP 500, which
     * MLflow clients retry as a server fault; this API answers 409 (the refusal is final until the state changes).
     */
    public static final String INVALID_STATE = "INVALID_STATE";
    /** MLflow's code for a failure of the server (HTTP 500). */
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private final int status;
    private final String errorCode;

    public MlflowException(int status, String errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public static MlflowException invalid(String message) {
        return new MlflowException(400, INVALID_PARAMETER_VALUE, message);
    }

    public static MlflowException notFound(String message) {
        return new MlflowException(404, RESOURCE_DOES_NOT_EXIST, message);
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    /** The MLflow-shaped response {@code {"error_code", "message"}} with {@code status}. */
    public static Response response(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(body)
                .build();
    }

    /**
     * A registry failure in MLflow's shape: not found 404, invalid or failed precondition 400; a model state refusal
     * ({@link ModelStateException}) 400 RESOURCE_ALREADY_EXISTS for a name taken, else 409 INVALID_STATE.
     */
    public static Response response(RegistryException e) {
        if (e instanceof ModelStateException s) {
            return s.reason() == ModelStateException.Reason.NAME_TAKEN
                    ? response(400, RESOURCE_ALREADY_EXISTS, e.getMessage())
                    : response(409, INVALID_STATE, e.getMessage());
        }
        return switch (e.kind()) {
            case NOT_FOUND -> response(404, RESOURCE_DOES_NOT_EXIST, e.getMessage());
            case INVALID, FAILED_PRECONDITION -> response(400, INVALID_PARAMETER_VALUE, e.getMessage());
        };
    }
}
