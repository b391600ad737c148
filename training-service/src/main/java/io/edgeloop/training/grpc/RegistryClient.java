package io.edgeloop.training.grpc;

import io.edgeloop.kit.grpc.ArtifactUploads;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.training.config.TrainingConfig;
import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;

/** Uploads artifacts to and registers model versions in registry-service (gRPC client {@code registry}). */
@ApplicationScoped
public class RegistryClient {
    /** The channel, for the async stub that client-streaming needs (Quarkus injects only blocking stubs). */
    @GrpcClient("registry")
    Channel channel;

    @GrpcClient("registry")
    ModelRegistryGrpc.ModelRegistryBlockingStub models;

    @Inject
    GrpcRetry retry;

    @Inject
    TrainingConfig config;

    /** Uploads {@code content} (header, then 64 KiB chunks); idempotent on the registry side. */
    public ArtifactRef upload(byte[] content, String sha256, String mediaType) {
        return retry.call(
                "Upload " + sha256,
                () -> ArtifactUploads.upload(
                        channel,
                        config.grpcDeadline(),
                        new ByteArrayInputStream(content),
                        content.length,
                        sha256,
                        mediaType));
    }

    /** Latest registered version of {@code modelName}, or 0 when the model has none. */
    public int latestVersion(String modelName) {
        try {
            return retry.call(
                            "GetVersion " + modelName,
                            () -> models.withDeadlineAfter(config.grpcDeadline().toMillis(), TimeUnit.MILLISECONDS)
                                    .getVersion(GetVersionRequest.newBuilder()
                                            .setModelName(modelName)
                                            .setVersion(0)
                                            .build()))
                    .getVersion();
        } catch (RuntimeException e) {
            if (GrpcRetry.code(e) == Status.Code.NOT_FOUND) {
                return 0;
            }
            throw e;
        }
    }

    /** Registers a version; retries are safe because the request carries an idempotency key. */
    public ModelVersion register(RegisterVersionRequest request) {
        if (request.getIdempotencyKey().isBlank()) {
            throw new IllegalArgumentException("RegisterVersion needs an idempotency key to be retried safely");
        }
        return retry.call(
                "RegisterVersion " + request.getModelName(),
                () -> models.withDeadlineAfter(config.grpcDeadline().toMillis(), TimeUnit.MILLISECONDS)
                        .registerVersion(request));
    }
}
