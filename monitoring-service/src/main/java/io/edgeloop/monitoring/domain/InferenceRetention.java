package io.edgeloop.monitoring.domain;

import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.InferenceStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps {@code inference_record} bounded: every {@code performance.trim-interval} it deletes the inferences (and their
 * labels) received more than {@code performance.retention} ago, like the outbox relay trims published events.
 */
@ApplicationScoped
public class InferenceRetention {
    private static final Logger LOG = Logger.getLogger(InferenceRetention.class);

    @Inject
    InferenceStore inferences;

    @Inject
    MonitoringConfig config;

    @Inject
    Clock clock;

    private ScheduledExecutorService executor;

    void start(@Observes StartupEvent event) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "inference-retention");
            t.setDaemon(true);
            return t;
        });
        long every = config.performance().trimInterval().toMillis();
        executor.scheduleWithFixedDelay(this::trimQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
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

    private void trimQuietly() {
        try {
            trim(clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf(
                    e,
                    "trimming inference records failed; trying again in %s",
                    config.performance().trimInterval());
        }
    }
}
