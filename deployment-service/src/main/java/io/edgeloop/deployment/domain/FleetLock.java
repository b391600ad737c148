package io.edgeloop.deployment.domain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * PostgreSQL advisory locks that order fleet changes across every replica of the service. Changes to the fleet's
 * structure (registrations, rollout creation and steps, rollbacks, revocations) take the fleet lock exclusively, so
 * they never interleave (a device registering while a rollout starts joins exactly one of them). A device's state
 * report touches only that device's twin and targets: it takes the fleet lock shared plus the device's own lock, so
 * reports of different devices run in parallel while no structural change is in flight.
 */
@ApplicationScoped
public class FleetLock {
    private static final long FLEET_LOCK = 0x65646765_6c6f6f70L; // "edgeloop"
    /** The first key of the two-key per-device locks ("edev"). */
    private static final int DEVICE_SPACE = 0x65646576;
    /** The first key of the two-key per-model locks ("emod"). */
    private static final int MODEL_SPACE = 0x656d6f64;

    @Inject
    EntityManager em;

    /** Takes the fleet lock exclusively until the current transaction ends. */
    public void lock() {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1)) as l")
                .setParameter(1, FLEET_LOCK)
                .getSingleResult();
    }

    /** Takes the fleet lock shared and {@code deviceId}'s own lock, both until the current transaction ends. */
    public void lockDevice(String deviceId) {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock_shared(?1)) as f,"
                        + " (select pg_advisory_xact_lock(?2, hashtext(?3))) as d")
                .setParameter(1, FLEET_LOCK)
                .setParameter(2, DEVICE_SPACE)
                .setParameter(3, deviceId)
                .getSingleResult();
    }

    /**
     * Takes {@code modelName}'s own lock until the current transaction ends: parallel reports that each announce what
     * the fleet serves of one model take it before reading, so the last announcement sees every committed report.
     */
    public void lockModel(String modelName) {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1, hashtext(?2))) as m")
                .setParameter(1, MODEL_SPACE)
                .setParameter(2, modelName)
                .getSingleResult();
    }
}
