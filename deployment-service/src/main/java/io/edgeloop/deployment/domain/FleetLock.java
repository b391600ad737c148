package io.edgeloop.deployment.domain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The fleet-wide PostgreSQL advisory lock: every transaction that changes devices, rollouts or targets takes it
 * first, so registrations, rollouts, reports and rollout steps never interleave.
 */
@ApplicationScoped
public class FleetLock {
    private static final long FLEET_LOCK = 0x65646765_6c6f6f70L; // "edgeloop"

    @Inject
    EntityManager em;

    /** Takes the lock until the current transaction ends. */
    public void lock() {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1)) as l")
                .setParameter(1, FLEET_LOCK)
                .getSingleResult();
    }
}
