package io.edgeloop.agent.domain;

/** A downloaded artifact whose sha256 or size differs from the assignment's: it is deleted, never loaded. */
public class ArtifactVerificationException extends Exception {
    public ArtifactVerificationException(String message) {
        super(message);
    }
}
