/**
 * Drift detection: reference profiles of training data ({@link io.edgeloop.monitoring.domain.ReferenceProfileBuilder}),
 * the bounded observation buffer, the KS/PSI computation ({@link io.edgeloop.monitoring.domain.DriftEvaluator}) and
 * the transactional telemetry intake that ties them together ({@link io.edgeloop.monitoring.domain.DriftMonitor}).
 */
package io.edgeloop.monitoring.domain;
