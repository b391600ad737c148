/**
 * gRPC: DeviceService (registration, assignment watch streams with one assignment per model, one live non-blocking
 * stream per device, and state reports) and the registry client that reads artifact signatures.
 */
package io.edgeloop.deployment.grpc;
