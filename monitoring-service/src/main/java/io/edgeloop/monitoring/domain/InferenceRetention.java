package io.edgeloop.monitoring.domain;

import io.edgeloop.kit.jobs.PeriodicJobs;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.InferenceStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Keeps {@code inference_record} bounded: every {@code performance.trim-interval} it deletes the inferences (and their
 * labels) received more than {@code performance.retention} ago, like the outbox relay trims published events. The trim
 * is the Quarkus scheduler job {@value #TRIM_JOB} ({@link PeriodicJobs}; an interval of 0 schedules nothing), always
 * as of {@code clock.instant()}; {@link #trim(Instant)} is the same trim as of any instant.
 */
@ApplicationScoped
public class InferenceRetention {
    /** The identity of the periodic trim in the Quarkus scheduler. */
    public static final String TRIM_JOB = "inference-retention-trim";

    private static final Logger LOG = Logger.getLogger(InferenceRetention.class);

    @Inject
    InferenceStore inferences;

    @Inject
    MonitoringConfig config;

    @Inject
    Clock clock;

    @Inject
    PeriodicJobs jobs;

    void start(@Observes StartupEvent event) {
        Duration every = config.performance().trimInterval();
        if (!jobs.schedule(TRIM_JOB, every, "trimming inference records", () -> trim(clock.instant()))) {
            LOG.info("the periodic inference record trim is off (edgeloop.monitoring.performance.trim-interval = 0)");
        }
    }

    /** Deletes the inferences received before {@code now - retention}; returns how many went. */
    public long trim(Instant now) {
        long deleted = inferences.trimBefore(now.minus(config.performance().retention()));
        if (deleted > 0) {
            LOG.infof(
                    "deleted %d inference records older than %s",
                    deleted, config.performance().retention());
        }
        return deleted;
    }
}
