package io.edgeloop.training.it;

import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.testsupport.InMemoryModelRegistry;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.List;

/** The shared in-memory double of registry-service's ModelRegistry, over the {@link FakeArtifactService}'s artifacts. */
@GrpcService
public class FakeModelRegistry extends InMemoryModelRegistry {
    @Inject
    public FakeModelRegistry(@GrpcService FakeArtifactService artifacts) {
        super(artifacts);
    }

    /** The RegisterVersion requests of training run {@code runId}, including those answered with an error. */
    List<RegisterVersionRequest> requestsForRun(String runId) {
        return registerCalls().stream()
                .filter(r -> r.getLineage().getTrainingRunId().equals(runId))
                .toList();
    }
}
