package io.edgeloop.training.grpc;

import com.google.protobuf.ByteString;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.edgeloop.training.config.TrainingConfig;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Uploads artifacts to and registers model versions in registry-service (gRPC client {@code registry}). */
@ApplicationScoped
public class RegistryClient {
    /** Largest upload chunk the registry accepts. */
    public static final int CHUNK_BYTES = 64 * 1024;

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
        ArtifactRef ref = retry.call("Upload " + sha256, () -> uploadOnce(content, sha256, mediaType));
        if (!ref.getSha256().equals(sha256) || ref.getSizeBytes() != content.length) {
            throw new IllegalStateException("registry stored " + ref.getSha256() + " (" + ref.getSizeBytes()
                    + " bytes) for an upload of " + sha256 + " (" + content.length + " bytes)");
        }
        return ref;
    }

    private ArtifactRef uploadOnce(byte[] content, String sha256, String mediaType) throws InterruptedException {
        CompletableFuture<ArtifactRef> result = new CompletableFuture<>();
        long deadlineMs = config.grpcDeadline().toMillis();
        StreamObserver<UploadRequest> requests = ArtifactServiceGrpc.newStub(channel)
                .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                .upload(new StreamObserver<>() {
                    @Override
                    public void onNext(ArtifactRef value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        if (!result.isDone()) {
                            result.completeExceptionally(Status.INTERNAL
                                    .withDescription("upload completed without a response")
                                    .asRuntimeException());
                        }
                    }
                });
        try {
            requests.onNext(UploadRequest.newBuilder()
                    .setHeader(UploadHeader.newBuilder()
                            .setSha256(sha256)
                            .setSizeBytes(content.length)
                            .setMediaType(mediaType))
                    .build());
            for (int off = 0; off < content.length; off += CHUNK_BYTES) {
                int len = Math.min(CHUNK_BYTES, content.length - off);
                requests.onNext(UploadRequest.newBuilder()
                        .setChunk(ByteString.copyFrom(content, off, len))
                        .build());
            }
            requests.onCompleted();
        } catch (RuntimeException e) {
            requests.onError(e);
            throw e;
        }
        try {
            return result.get(deadlineMs + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("upload got no response")
                    .asRuntimeException();
        }
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
