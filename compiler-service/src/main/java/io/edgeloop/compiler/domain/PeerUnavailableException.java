package io.edgeloop.compiler.domain;

/**
 * A peer service (registry, data service) stayed unavailable through all retries. Transient: the same work may
 * succeed later, so an event that failed this way goes to the dead-letter topic instead of being marked processed.
 */
public class PeerUnavailableException extends RuntimeException {
    public PeerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
