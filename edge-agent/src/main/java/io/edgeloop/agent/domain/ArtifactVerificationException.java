package io.edgeloop.agent.domain;

/**
 * An artifact that failed verification: its sha256 or size differs from the assignment's, or its registry signature
 * is missing (when required), unknown or invalid. It is never loaded.
 */
public class ArtifactVerificationException extends Exception {
    public ArtifactVerificationException(String message) {
        super(message);
    }
}
