package io.edgeloop.training.it;

import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import java.util.ArrayList;
import java.util.List;

/** Test double of registry-service's ModelRegistry: versions in memory, idempotency keys, injectable UNAVAILABLE. */
@GrpcService
public class FakeModelRegistry extends ModelRegistryGrpc.ModelRegistryImplBase {
    @Override
    public void registerVersion(RegisterVersionRequest request, StreamObserver<ModelVersion> response) {
        ModelVersion version;
        synchronized (FakeRegistry.class) {
            FakeRegistry.REGISTER_REQUESTS.add(request);
            if (FakeRegistry.FAIL_NEXT_REGISTER.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                response.onError(
                        Status.UNAVAILABLE.withDescription("injected outage").asRuntimeException());
                return;
            }
            version = FakeRegistry.BY_IDEMPOTENCY_KEY.get(request.getIdempotencyKey());
            if (version == null) {
                byte[] artifact = FakeRegistry.ARTIFACTS.get(request.getArtifactSha256());
                if (artifact == null) {
                    response.onError(Status.FAILED_PRECONDITION
                            .withDescription("artifact not uploaded")
                            .asRuntimeException());
                    return;
                }
                List<ModelVersion> versions =
                        FakeRegistry.MODELS.computeIfAbsent(request.getModelName(), k -> new ArrayList<>());
                version = ModelVersion.newBuilder()
                        .setModelName(request.getModelName())
                        .setVersion(versions.size() + 1)
                        .setArtifactSha256(request.getArtifactSha256())
                        .setSizeBytes(artifact.length)
                        .setLineage(request.getLineage())
                        .putAllMetrics(request.getMetricsMap())
                        .addAllClassLabels(request.getClassLabelsList())
                        .setFeatureCount(request.getFeatureCount())
                        .setArchitecture(request.getArchitecture())
                        .build();
                versions.add(version);
                FakeRegistry.BY_IDEMPOTENCY_KEY.put(request.getIdempotencyKey(), version);
            }
        }
        response.onNext(version);
        response.onCompleted();
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> response) {
        ModelVersion found = null;
        synchronized (FakeRegistry.class) {
            List<ModelVersion> versions = FakeRegistry.MODELS.getOrDefault(request.getModelName(), List.of());
            if (request.getVersion() == 0 && !versions.isEmpty()) {
                found = versions.get(versions.size() - 1);
            } else if (request.getVersion() > 0 && request.getVersion() <= versions.size()) {
                found = versions.get(request.getVersion() - 1);
            }
        }
        if (found == null) {
            response.onError(Status.NOT_FOUND
                    .withDescription("no version " + request.getVersion() + " of " + request.getModelName())
                    .asRuntimeException());
            return;
        }
        response.onNext(found);
        response.onCompleted();
    }
}
