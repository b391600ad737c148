package io.edgeloop.kit.jobs;

/**
 * Runs the jobs of one kind. Implementations are CDI beans; {@link JobRunner} starts {@link #concurrency()} workers
 * for each. A handler must tolerate running a job again after a crash (the attempt number says so): it finds what an
 * earlier attempt left and finishes or redoes it, and commits its effects together with {@link
 * Jobs#complete(Job)} so that a job completes once in effect.
 */
public interface JobHandler {
    /** The kind handled, e.g. {@code train}. */
    String kind();

    /**
     * Runs one attempt. Returning normally completes the job (if the handler did not already); throwing {@link
     * PermanentJobFailure} fails it for good; any other exception schedules a retry with backoff until the attempts
     * are spent, then parks it.
     */
    void run(Job job) throws Exception;

    /** Workers of this kind per process. */
    default int concurrency() {
        return 1;
    }
}
