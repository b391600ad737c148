/**
 * gRPC clients of the peers: the registry ({@code registry}: ArtifactService download/upload, ModelRegistry) and the
 * data service ({@code dataset}: DatasetService.StreamSnapshot), with retries of transient failures.
 */
package io.edgeloop.compiler.grpc;
