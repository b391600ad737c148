package io.edgeloop.compiler.domain;

/** The float model (or a produced variant) cannot be loaded or used by ONNX Runtime. */
public class InvalidModelException extends CompilationFailure {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
