package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Per-rollout leases: with several replicas of the deployment service, one instance at a time drives a rollout
 * (advances its waves, evaluates its gates, applies verdicts). The driving instance renews its lease on every tick;
 * another instance takes the rollout over once the lease lapsed ({@code edgeloop.deployment.rollout-lease}), e.g.
 * when the driver died. Each claim is its own short transaction on the {@code deployment} row's lease columns.
 */
@ApplicationScoped
public class RolloutLeases {
    private final String instance = ManagementFactory.getRuntimeMXBean().getName() + "-"
            + UUID.randomUUID().toString().substring(0, 8);

    @Inject
    EntityManager em;

    @Inject
    DeploymentConfig config;

    @Inject
    Clock clock;

    /** This instance's name in the lease columns. */
    public String instance() {
        return instance;
    }

    /**
     * Claims or renews the lease of {@code rolloutId} for this instance.
     *
     * @return true when this instance holds the lease now (it drives the rollout until the lease lapses)
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean claim(String rolloutId) {
        return claim(rolloutId, instance);
    }

    /** {@link #claim(String)} for a named instance (tests stand in for other replicas with it). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean claim(String rolloutId, String owner) {
        Instant now = clock.instant();
        int updated = em.createNativeQuery("update deployment set driver = ?1, driver_until = ?2 where id = ?3"
                        + " and (driver is null or driver = ?1 or driver_until < ?4)")
                .setParameter(1, owner)
                .setParameter(2, at(now.plus(config.rolloutLease())))
                .setParameter(3, rolloutId)
                .setParameter(4, at(now))
                .executeUpdate();
        return updated == 1;
    }

    /** The instance that holds the lease of {@code rolloutId} now, or null. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public String driverOf(String rolloutId) {
        Object[] row = (Object[]) em
                .createNativeQuery("select driver, driver_until from deployment where id = ?1")
                .setParameter(1, rolloutId)
                .getResultList()
                .stream()
                .findFirst()
                .orElse(null);
        if (row == null || row[0] == null || row[1] == null) {
            return null;
        }
        Instant until = row[1] instanceof OffsetDateTime o
                ? o.toInstant()
                : row[1] instanceof java.sql.Timestamp t ? t.toInstant() : (Instant) row[1];
        return until.isBefore(clock.instant()) ? null : (String) row[0];
    }

    /** Hands back every lease this instance holds (at shutdown), so another replica takes over at once. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int releaseAll() {
        return em.createNativeQuery("update deployment set driver = null, driver_until = null where driver = ?1")
                .setParameter(1, instance)
                .executeUpdate();
    }

    private static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
