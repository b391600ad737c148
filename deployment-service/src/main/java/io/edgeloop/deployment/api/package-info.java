/**
 * REST API of the fleet: devices (desired vs reported state per model), deployments, staged rollouts (status, waves,
 * gate results, history; start / pause / resume / rollback) and deployment policies. Errors are problem+json.
 */
package io.edgeloop.deployment.api;
