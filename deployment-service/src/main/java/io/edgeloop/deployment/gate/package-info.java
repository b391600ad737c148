/**
 * Health gates of staged rollouts: {@link io.edgeloop.deployment.gate.HealthGate} decides whether a soaked wave may
 * widen; the default {@link io.edgeloop.deployment.gate.MonitoringHealthGate} reads the wave's telemetry windows from
 * monitoring-service over HTTP and applies {@link io.edgeloop.deployment.gate.GateEvaluation} (error rate, latency p99,
 * predicted-class distribution shift).
 */
package io.edgeloop.deployment.gate;
