package io.edgeloop.deployment.persistence;

/** Lifecycle of a deployment. */
public enum DeploymentStatus {
    /** Targets are downloading or activating the model (or no device is registered yet). */
    ROLLING_OUT,
    /** Every target reported ACTIVE; Deployed was emitted. */
    COMPLETED,
    /** Every target reported FAILED. */
    FAILED,
    /** A newer deployment took over the fleet before this one completed. */
    SUPERSEDED
}
