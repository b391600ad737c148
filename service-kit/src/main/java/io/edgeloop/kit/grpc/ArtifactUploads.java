package io.edgeloop.kit.grpc;

import com.google.protobuf.ByteString;
import io.edgeloop.common.grpc.Observers;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of the registry's client-streaming {@code ArtifactService.Upload} (header, then chunks of at most 64
 * KiB), for every service that stores artifacts (training, compiler). Retrying is the caller's ({@link GrpcRetries}):
 * the registry stores an artifact idempotently by its digest.
 */
public final class ArtifactUploads {
    /** Largest upload chunk the registry accepts. */
    public static final int CHUNK_BYTES = 64 * 1024;

    private ArtifactUploads() {}

    /**
     * Uploads {@code size} bytes read from {@code content} and checks that the registry stored {@code sha256} with
     * that size.
     *
     * @param channel a channel to the registry (the async stub that client streaming needs)
     * @return the registry's reference of the stored artifact
     * @throws io.grpc.StatusRuntimeException the registry's refusal or failure, or DEADLINE_EXCEEDED without an answer
     * @throws IllegalStateException when the registry answered with another digest or size
     * @throws IOException when {@code content} cannot be read (the call is then cancelled)
     */
    public static ArtifactRef upload(
            Channel channel, Duration deadline, InputStream content, long size, String sha256, String mediaType)
            throws IOException, InterruptedException {
        CompletableFuture<ArtifactRef> result = new CompletableFuture<>();
        StreamObserver<UploadRequest> requests = ArtifactServiceGrpc.newStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .upload(Observers.of(result::complete, result::completeExceptionally, () -> {
                    if (!result.isDone()) {
                        result.completeExceptionally(Status.INTERNAL
                                .withDescription("upload completed without a reference")
                                .asRuntimeException());
                    }
                }));
        try {
            requests.onNext(UploadRequest.newBuilder()
                    .setHeader(UploadHeader.newBuilder()
                            .setSha256(sha256)
                            .setSizeBytes(size)
                            .setMediaType(mediaType))
                    .build());
            byte[] buf = new byte[CHUNK_BYTES];
            int n;
            while ((n = content.readNBytes(buf, 0, CHUNK_BYTES)) > 0 && !result.isDone()) {
                requests.onNext(UploadRequest.newBuilder()
                        .setChunk(ByteString.copyFrom(buf, 0, n))
                        .build());
            }
            requests.onCompleted();
        } catch (IOException | RuntimeException e) {
            requests.onError(Status.CANCELLED.withDescription("upload aborted").asRuntimeException());
            throw e;
        }
        ArtifactRef ref;
        try {
            ref = result.get(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("upload got no answer")
                    .asRuntimeException();
        }
        if (!ref.getSha256().equals(sha256) || ref.getSizeBytes() != size) {
            throw new IllegalStateException("registry stored " + ref.getSha256() + " (" + ref.getSizeBytes()
                    + " bytes) for an upload of " + sha256 + " (" + size + " bytes)");
        }
        return ref;
    }
}
