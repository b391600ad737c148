package io.edgeloop.deployment.persistence;

/** Progress of one device within a deployment (and the device's last reported model state). */
public enum TargetState {
    /** In a later wave: not assigned yet. */
    QUEUED,
    /** Assigned, nothing reported yet. */
    PENDING,
    DOWNLOADING,
    ACTIVE,
    FAILED,
    /** No variant of the rollout fits the device; never assigned. */
    INCOMPATIBLE,
    /**
     * The rollout was rolled back: the device's desired state returned to its last known good deployment (or, when
     * it had none, to no model at all).
     */
    ROLLED_BACK,
    /** Only a device's reported state: it runs no model after an unassigned desired state. Never a target's. */
    UNLOADED
}
