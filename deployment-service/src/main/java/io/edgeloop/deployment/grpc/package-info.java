/**
 * gRPC DeviceService: registration, assignment watch streams (one live, non-blocking stream per device) and state
 * reports.
 */
package io.edgeloop.deployment.grpc;
