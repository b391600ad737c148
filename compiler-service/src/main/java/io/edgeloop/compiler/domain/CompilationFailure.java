package io.edgeloop.compiler.domain;

/**
 * A compilation that cannot succeed however often it is retried (a malformed model, a missing artifact, a digest
 * mismatch, validation data that does not fit the model). The message says why, for people.
 */
public class CompilationFailure extends RuntimeException {
    public CompilationFailure(String message) {
        super(message);
    }

    public CompilationFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
