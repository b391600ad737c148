package io.edgeloop.deployment.api;

import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.kit.jobs.PeriodicJobs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet's Prometheus series: {@code edgeloop_rollouts{state}} (rollouts per state, from the database, the same on
 * every instance: take the max across instances) and {@code edgeloop_devices_connected} (devices with a live
 * assignment stream on this instance: sum across instances). Rollout counts are refreshed at start and every 15 s
 * by the Quarkus scheduler job {@value #REFRESH_JOB} ({@link PeriodicJobs}), so a scrape never waits on the database.
 */
@ApplicationScoped
public class FleetMetrics {
    /** The identity of the periodic refresh in the Quarkus scheduler. */
    public static final String REFRESH_JOB = "fleet-metrics-refresh";

    /** How often the rollout counts are read. */
    public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(15);

    @Inject
    MeterRegistry registry;

    @Inject
    WatchHub hub;

    @Inject
    PeriodicJobs jobs;

    private final Map<DeploymentStatus, AtomicLong> rollouts = new EnumMap<>(DeploymentStatus.class);

    void onStart(@Observes StartupEvent event) {
        for (DeploymentStatus s : DeploymentStatus.values()) {
            AtomicLong n = new AtomicLong();
            rollouts.put(s, n);
            Gauge.builder("edgeloop.rollouts", n, AtomicLong::get)
                    .description("Rollouts (deployments) per state")
                    .tag("state", s.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("edgeloop.devices.connected", hub, WatchHub::connectedCount)
                .description("Devices with a live assignment stream on this instance")
                .register(registry);
        jobs.schedule(REFRESH_JOB, REFRESH_INTERVAL, Duration.ZERO, "refreshing the rollout metrics", this::refresh);
    }

    void onStop(@Observes ShutdownEvent event) {
        jobs.stop(REFRESH_JOB, Duration.ZERO);
    }

    /**
     * Reads the rollout counts per state now (also what the periodic job runs, which logs and counts a failure).
     *
     * @throws RuntimeException when the database cannot be read; the gauges keep their last values
     */
    public void refresh() {
        List<Object[]> rows = QuarkusTransaction.requiringNew()
                .call(() -> DeploymentEntity.getEntityManager()
                        .createQuery(
                                "select d.status, count(d) from DeploymentEntity d group by d.status", Object[].class)
                        .getResultList());
        rollouts.values().forEach(n -> n.set(0));
        for (Object[] row : rows) {
            rollouts.get((DeploymentStatus) row[0]).set(((Number) row[1]).longValue());
        }
    }
}
