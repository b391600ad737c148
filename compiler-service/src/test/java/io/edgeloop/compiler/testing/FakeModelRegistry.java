package io.edgeloop.compiler.testing;

import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.testsupport.InMemoryModelRegistry;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared in-memory double of the registry's ModelRegistry, over the {@link FakeArtifactService}'s artifacts,
 * plus aliases for GetVersion (the shared double answers UNIMPLEMENTED to them): {@link #setAlias} points one at a
 * version; GetVersion by an alias that is not set is NOT_FOUND, as in the registry.
 */
@GrpcService
public class FakeModelRegistry extends InMemoryModelRegistry {
    private final Map<String, Integer> aliases = new ConcurrentHashMap<>();

    @Inject
    public FakeModelRegistry(@GrpcService FakeArtifactService artifacts) {
        super(artifacts);
    }

    /** Points {@code alias} of {@code model} at {@code version}. */
    public void setAlias(String model, String alias, int version) {
        aliases.put(model + "/" + alias, version);
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> response) {
        if (request.getAlias().isEmpty()) {
            super.getVersion(request, response);
            return;
        }
        Integer v = aliases.get(request.getModelName() + "/" + request.getAlias());
        Optional<ModelVersion> version = v == null ? Optional.empty() : version(request.getModelName(), v);
        if (version.isEmpty()) {
            response.onError(Status.NOT_FOUND
                    .withDescription("model " + request.getModelName() + " has no alias " + request.getAlias())
                    .asRuntimeException());
            return;
        }
        response.onNext(version.get().toBuilder().addAliases(request.getAlias()).build());
        response.onCompleted();
    }
}
