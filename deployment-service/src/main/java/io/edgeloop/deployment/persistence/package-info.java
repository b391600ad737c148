/**
 * Fleet state in PostgreSQL: devices (a twin of desired vs reported model, last known good deployment), deployments
 * (staged rollouts) with their variants, per-device targets (wave, chosen variant), gate results and history.
 */
package io.edgeloop.deployment.persistence;
