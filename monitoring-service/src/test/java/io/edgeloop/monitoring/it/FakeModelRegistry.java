package io.edgeloop.monitoring.it;

import io.edgeloop.testsupport.InMemoryArtifactService;
import io.edgeloop.testsupport.InMemoryModelRegistry;
import io.quarkus.grpc.GrpcService;

/**
 * The shared in-memory double of registry-service's ModelRegistry on this service's gRPC test port: tests register
 * the versions (class labels, {@code test_accuracy}) whose facts performance monitoring reads with GetVersion.
 */
@GrpcService
public class FakeModelRegistry extends InMemoryModelRegistry {
    public FakeModelRegistry() {
        super(new InMemoryArtifactService());
    }
}
