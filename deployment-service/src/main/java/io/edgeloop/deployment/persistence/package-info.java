/**
 * Fleet state in PostgreSQL: devices (labels, capabilities, desired-state revision), their twin per model (desired
 * vs reported state, last known good deployment), deployments (staged rollouts) with their variants, per-device
 * targets (wave, chosen variant), gate results, history, and deployment policies.
 */
package io.edgeloop.deployment.persistence;
