package io.edgeloop.deployment.domain;

/**
 * An enrollment or credential renewal that is refused. {@link #unauthenticated()} refusals (unknown, used, expired or
 * cancelled token) all carry the same message, so that the answer reveals nothing about which tokens exist.
 */
public class EnrollmentRefusedException extends RuntimeException {
    private final boolean unauthenticated;

    EnrollmentRefusedException(String message, boolean unauthenticated) {
        super(message);
        this.unauthenticated = unauthenticated;
    }

    /** The token is not good (as opposed to: good, but not for this device). */
    public boolean unauthenticated() {
        return unauthenticated;
    }
}
