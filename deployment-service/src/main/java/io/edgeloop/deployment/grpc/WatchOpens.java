package io.edgeloop.deployment.grpc;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.kit.batch.Admission;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns for {@code WatchAssignments} opens ({@code edgeloop.deployment.watch-opens.*}): an open reads the device and
 * its assignments from the database, so a fleet reconnecting at once queues here, a few at a time, instead of
 * exhausting the connection pool (which then refuses reports and rollouts too).
 */
@ApplicationScoped
public class WatchOpens {
    private final Admission admission;

    WatchOpens(DeploymentConfig config) {
        DeploymentConfig.WatchOpens c = config.watchOpens();
        this.admission = new Admission("watch opens", c.concurrency(), c.maxWait());
    }

    /**
     * Waits for a turn; close the permit when the open's database reads are done.
     *
     * @throws Admission.Busy when no turn came within {@code max-wait}
     */
    public Admission.Permit enter() {
        return admission.enter();
    }

    /** Opens admitted, waiting and refused so far. */
    public Admission.Stats stats() {
        return admission.stats();
    }
}
