package io.edgeloop.kit.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the durable job runner ({@code edgeloop.jobs.*}). */
@ConfigMapping(prefix = "edgeloop.jobs")
public interface JobsConfig {
    /** Whether this process runs jobs (it may still enqueue them). */
    @WithDefault("true")
    boolean enabled();

    /** How often idle workers look for jobs when no local commit woke them. */
    @WithDefault("1s")
    Duration pollInterval();

    /** How long a claim lasts without renewal; a crashed worker's job is taken over after this. */
    @WithDefault("30s")
    Duration lease();

    /** Attempts (crashes included) before a job is parked. */
    @WithDefault("5")
    int maxAttempts();

    /** Delay before the first retry; it doubles per attempt. */
    @WithDefault("2s")
    Duration initialBackoff();

    /** Longest delay between attempts. */
    @WithDefault("2m")
    Duration maxBackoff();

    /** How long DONE and FAILED jobs are kept. */
    @WithDefault("7d")
    Duration retention();
}
