package io.edgeloop.deployment.api;

import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The fleet's Prometheus series: {@code edgeloop_rollouts{state}} (rollouts per state, from the database, the same on
 * every instance: take the max across instances) and {@code edgeloop_devices_connected} (devices with a live
 * assignment stream on this instance: sum across instances). Rollout counts are refreshed every 15 s on a thread of
 * their own, so a scrape never waits on the database.
 */
@ApplicationScoped
public class FleetMetrics {
    private static final Logger LOG = Logger.getLogger(FleetMetrics.class);
    private static final long REFRESH_SECONDS = 15;

    @Inject
    MeterRegistry registry;

    @Inject
    WatchHub hub;

    private final Map<DeploymentStatus, AtomicLong> rollouts = new EnumMap<>(DeploymentStatus.class);
    private ScheduledExecutorService refresher;

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
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-metrics");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /** Reads the rollout counts per state now (also what the refresher runs). */
    public void refresh() {
        try {
            List<Object[]> rows = QuarkusTransaction.requiringNew()
                    .call(() -> DeploymentEntity.getEntityManager()
                            .createQuery(
                                    "select d.status, count(d) from DeploymentEntity d group by d.status",
                                    Object[].class)
                            .getResultList());
            rollouts.values().forEach(n -> n.set(0));
            for (Object[] row : rows) {
                rollouts.get((DeploymentStatus) row[0]).set(((Number) row[1]).longValue());
            }
        } catch (RuntimeException e) {
            LOG.debugf("refreshing the rollout metrics failed: %s", e);
        }
    }
}
