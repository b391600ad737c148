/**
 * gRPC: the served {@code TelemetryService} (device telemetry intake) and the client of data-service's
 * {@code DatasetService} that profiles a snapshot's TRAIN split.
 */
package io.edgeloop.monitoring.grpc;
