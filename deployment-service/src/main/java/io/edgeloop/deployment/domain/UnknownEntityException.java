package io.edgeloop.deployment.domain;

/** A device or deployment that does not exist (gRPC NOT_FOUND, HTTP 404). */
public class UnknownEntityException extends RuntimeException {
    public UnknownEntityException(String message) {
        super(message);
    }
}
