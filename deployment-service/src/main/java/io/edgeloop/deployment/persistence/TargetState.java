package io.edgeloop.deployment.persistence;

/** Progress of one device within a deployment (and the device's last reported model state). */
public enum TargetState {
    /** Assigned, nothing reported yet. */
    PENDING,
    DOWNLOADING,
    ACTIVE,
    FAILED
}
