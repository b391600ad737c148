package io.edgeloop.kit.jobs;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One claimed attempt of a job, as its {@link JobHandler} sees it.
 *
 * @param id the job's id
 * @param kind its kind
 * @param key its key (unique within the kind)
 * @param payload what was enqueued
 * @param attempt this attempt's number, from 1; above 1 the job was tried before (a failure or a crash)
 * @param maxAttempts attempts allowed before the job is parked
 * @param owner the lease owner of this attempt
 * @param lost set when the lease was lost (expired and taken by another worker): stop and do not commit effects
 */
public record Job(
        long id,
        String kind,
        String key,
        byte[] payload,
        int attempt,
        int maxAttempts,
        String owner,
        AtomicBoolean lost) {
    /** Whether the lease was lost: another worker may be running this job now. */
    public boolean leaseLost() {
        return lost.get();
    }

    /** Whether a failure of this attempt parks the job instead of retrying it. */
    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }

    /** Whether an earlier attempt ran (and failed or died). */
    public boolean isRetry() {
        return attempt > 1;
    }
}
