/**
 * gRPC: the device's KServe v2 / Open Inference Protocol server ({@link io.edgeloop.agent.grpc.OpenInferenceService}),
 * and the clients of the control plane: DeviceService (register, watch, report) and ArtifactService (download,
 * signatures, signing keys) of the deployment and registry services, and TelemetryService of the monitoring service.
 */
package io.edgeloop.agent.grpc;
