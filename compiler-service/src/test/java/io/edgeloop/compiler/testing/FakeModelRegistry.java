package io.edgeloop.compiler.testing;

import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory double of the ModelRegistry: versions set up by tests, variants idempotent per target. */
@GrpcService
public class FakeModelRegistry extends ModelRegistryGrpc.ModelRegistryImplBase {
    @Inject
    @GrpcService
    FakeArtifactService artifacts;

    private final Map<String, ModelVersion> versions = new ConcurrentHashMap<>();
    private final Map<String, ModelVariant> variants = new ConcurrentHashMap<>();
    private final Map<String, ModelVersion> byKey = new ConcurrentHashMap<>();
    private final List<AddVariantRequest> addVariantCalls = new CopyOnWriteArrayList<>();

    public void register(ModelVersion v) {
        versions.put(v.getModelName() + "/" + v.getVersion(), v);
    }

    /** Every AddVariant request received, in order. */
    public List<AddVariantRequest> addVariantCalls(String modelName) {
        return addVariantCalls.stream()
                .filter(r -> r.getModelName().equals(modelName))
                .toList();
    }

    /** Versions of {@code modelName}. */
    public long versionCount(String modelName) {
        return versions.keySet().stream()
                .filter(k -> k.startsWith(modelName + "/"))
                .count();
    }

    @Override
    public void registerVersion(RegisterVersionRequest r, StreamObserver<ModelVersion> out) {
        if (!artifacts.contains(r.getArtifactSha256())) {
            out.onError(Status.FAILED_PRECONDITION
                    .withDescription("artifact not uploaded")
                    .asRuntimeException());
            return;
        }
        ModelVersion existing = byKey.get(r.getIdempotencyKey());
        if (existing != null) {
            out.onNext(existing);
            out.onCompleted();
            return;
        }
        synchronized (this) {
            int next = (int) versionCount(r.getModelName()) + 1;
            ModelVersion v = ModelVersion.newBuilder()
                    .setModelName(r.getModelName())
                    .setVersion(next)
                    .setArtifactSha256(r.getArtifactSha256())
                    .setSizeBytes(artifacts.get(r.getArtifactSha256()).bytes().length)
                    .setLineage(r.getLineage())
                    .putAllMetrics(r.getMetricsMap())
                    .addAllClassLabels(r.getClassLabelsList())
                    .setFeatureCount(r.getFeatureCount())
                    .setArchitecture(r.getArchitecture())
                    .putAllTags(r.getTagsMap())
                    .build();
            register(v);
            byKey.put(r.getIdempotencyKey(), v);
            out.onNext(v);
        }
        out.onCompleted();
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> out) {
        ModelVersion v = versions.get(request.getModelName() + "/" + request.getVersion());
        if (v == null) {
            out.onError(Status.NOT_FOUND
                    .withDescription("no version " + request.getVersion() + " of " + request.getModelName())
                    .asRuntimeException());
            return;
        }
        out.onNext(v);
        out.onCompleted();
    }

    @Override
    public void addVariant(AddVariantRequest r, StreamObserver<ModelVariant> out) {
        addVariantCalls.add(r);
        if (!versions.containsKey(r.getModelName() + "/" + r.getModelVersion())) {
            out.onError(Status.NOT_FOUND.withDescription("no such version").asRuntimeException());
            return;
        }
        if (!artifacts.contains(r.getArtifactSha256())) {
            out.onError(Status.FAILED_PRECONDITION
                    .withDescription("artifact not uploaded")
                    .asRuntimeException());
            return;
        }
        ModelVariant v = variants.computeIfAbsent(
                r.getModelName() + "/" + r.getModelVersion() + "/" + r.getTarget(),
                k -> ModelVariant.newBuilder()
                        .setVariantId(UUID.randomUUID().toString())
                        .setModelName(r.getModelName())
                        .setModelVersion(r.getModelVersion())
                        .setTarget(r.getTarget())
                        .setFormat(r.getFormat())
                        .setArtifactSha256(r.getArtifactSha256())
                        .setSizeBytes(artifacts.get(r.getArtifactSha256()).bytes().length)
                        .putAllMetrics(r.getMetricsMap())
                        .putAllSettings(r.getSettingsMap())
                        .build());
        out.onNext(v);
        out.onCompleted();
    }
}
