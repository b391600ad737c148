package io.edgeloop.deployment.persistence;

/** Lifecycle of a deployment (a staged rollout). */
public enum DeploymentStatus {
    /**
     * Recorded but not started: no deployment policy matches the model, or its policy has autoRollout=false; started
     * with {@code POST /rollouts/{id}/start}.
     */
    HELD,
    /** The promotion gate refused the version before any device was touched. */
    REJECTED,
    /** Waves are being assigned, activated and gated (or no device matched yet). */
    ROLLING_OUT,
    /** Paused over REST: nothing advances until resumed. */
    PAUSED,
    /** Every wave passed its gate; Deployed (phase "completed") was emitted. */
    COMPLETED,
    /** Not used by staged rollouts any more (a failing wave rolls back); kept for rows written before them. */
    FAILED,
    /** A gate failed or a rollback was requested: every updated device went back to its last known good version. */
    ROLLED_BACK,
    /** A newer deployment of the same model took over before this one completed. */
    SUPERSEDED
}
