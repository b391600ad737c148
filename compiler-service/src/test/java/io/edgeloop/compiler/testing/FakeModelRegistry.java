package io.edgeloop.compiler.testing;

import io.edgeloop.testsupport.InMemoryModelRegistry;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;

/** The shared in-memory double of the registry's ModelRegistry, over the {@link FakeArtifactService}'s artifacts. */
@GrpcService
public class FakeModelRegistry extends InMemoryModelRegistry {
    @Inject
    public FakeModelRegistry(@GrpcService FakeArtifactService artifacts) {
        super(artifacts);
    }
}
