/**
 * Health gates of staged rollouts: {@link io.edgeloop.deployment.gate.HealthGate} decides whether a soaked wave may
 * widen; the default {@link io.edgeloop.deployment.gate.TelemetryHealthGate} reads the wave's telemetry windows from
 * monitoring-service over gRPC ({@code TelemetryService.ListWindows}) and applies
 * {@link io.edgeloop.deployment.gate.GateEvaluation} (error rate, latency p99, predicted-class distribution shift, no
 * telemetry); an unreachable monitoring-service holds the wave, never passes it.
 */
package io.edgeloop.deployment.gate;
