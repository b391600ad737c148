/**
 * REST API (JSON; errors are problem+json): drift of a model's deployed version, recent telemetry of a device,
 * stored reference profiles.
 */
package io.edgeloop.monitoring.api;
