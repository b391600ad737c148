package io.edgeloop.kit.jobs;

/** The worker's lease on a job lapsed and another worker took it: this attempt's effects must not commit. */
public class LeaseLostException extends RuntimeException {
    /** For job {@code id}. */
    public LeaseLostException(long id) {
        super("lease on job " + id + " was lost to another worker");
    }
}
