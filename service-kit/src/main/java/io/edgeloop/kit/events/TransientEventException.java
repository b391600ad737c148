package io.edgeloop.kit.events;

/**
 * An event whose processing kept failing for a reason that may go away (the database unavailable, a bug being
 * fixed). It goes to the dead-letter topic marked as transient ({@link EventConsumer#FAILURE_CLASS_HEADER}) so that
 * it can be replayed once the cause is fixed, unlike a poison record.
 */
public class TransientEventException extends RuntimeException {
    /** Wraps the last failure. */
    public TransientEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
