/**
 * Fleet state in PostgreSQL: devices (a twin of desired vs reported model), deployments and their per-device
 * targets.
 */
package io.edgeloop.deployment.persistence;
