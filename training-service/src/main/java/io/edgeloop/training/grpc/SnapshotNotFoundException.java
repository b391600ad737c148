package io.edgeloop.training.grpc;

/** data-service has no snapshot with the requested name and version. */
public class SnapshotNotFoundException extends RuntimeException {
    public SnapshotNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
