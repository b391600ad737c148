package io.edgeloop.registry.mlflow;

/**
 * An error of the MLflow-compatible API, answered in MLflow's shape {@code {"error_code": ..., "message": ...}}.
 */
public class MlflowException extends RuntimeException {
    /** MLflow's code for unknown models, versions and aliases (HTTP 404). */
    public static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    /** MLflow's code for bad parameters (HTTP 400). */
    public static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
    /** MLflow's code for creating what exists (HTTP 400). */
    public static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";

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
}
