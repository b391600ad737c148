/**
 * gRPC endpoints of the registry: {@code ArtifactService} (streaming upload and download of content-addressed
 * artifacts) and {@code ModelRegistry} (versions and variants).
 */
package io.edgeloop.registry.grpc;
