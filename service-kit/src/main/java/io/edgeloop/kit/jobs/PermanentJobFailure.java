package io.edgeloop.kit.jobs;

/** A job failure that retrying cannot fix (invalid input, a model that cannot be trained): the job is FAILED. */
public class PermanentJobFailure extends RuntimeException {
    /** The reason, recorded with the job. */
    public PermanentJobFailure(String message) {
        super(message);
    }

    /** The reason and its cause. */
    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
