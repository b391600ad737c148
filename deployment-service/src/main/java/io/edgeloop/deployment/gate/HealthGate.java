package io.edgeloop.deployment.gate;

/**
 * Decides whether a wave of a rollout that ran the new version for its soak time is healthy. Called outside any
 * transaction; implementations may block on I/O but must not throw for unreachable data sources (they answer
 * {@link GateVerdict.Outcome#WAIT} or decide by their policy).
 */
public interface HealthGate {
    GateVerdict evaluate(GateRequest request);
}
