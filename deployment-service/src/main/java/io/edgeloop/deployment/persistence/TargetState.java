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
    /** The rollout was rolled back: the device's desired state returned to its last known good deployment. */
    ROLLED_BACK
}
