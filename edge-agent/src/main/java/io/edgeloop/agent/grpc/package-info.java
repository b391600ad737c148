/**
 * gRPC clients of the control plane: DeviceService (register, watch, report) and ArtifactService (download) of the
 * deployment and registry services, and TelemetryService of the monitoring service.
 */
package io.edgeloop.agent.grpc;
