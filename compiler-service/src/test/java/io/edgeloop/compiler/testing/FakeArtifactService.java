package io.edgeloop.compiler.testing;

import io.edgeloop.testsupport.InMemoryArtifactService;
import io.quarkus.grpc.GrpcService;

/** The shared in-memory double of the registry's ArtifactService, served on the service's gRPC test port. */
@GrpcService
public class FakeArtifactService extends InMemoryArtifactService {}
