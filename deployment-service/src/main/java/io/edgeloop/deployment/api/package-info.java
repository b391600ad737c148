/**
 * REST API of the fleet: devices (desired vs reported state), deployments, and staged rollouts (status, waves, gate
 * results, history; pause / resume / rollback). Errors are problem+json.
 */
package io.edgeloop.deployment.api;
