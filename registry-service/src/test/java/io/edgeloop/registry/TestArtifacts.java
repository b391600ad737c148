package io.edgeloop.registry;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.grpc.Observers;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Helpers to make artifacts, push them through the gRPC upload and register versions of them. */
public final class TestArtifacts {
    private TestArtifacts() {}

    /** {@code stub} calling with {@code authorization} (e.g. {@code TestAuth.bearer("alice", Roles.RELEASE)}). */
    public static <S extends AbstractStub<S>> S as(S stub, String authorization) {
        return stub.withInterceptors(authorization(authorization));
    }

    /** {@code channel} calling with {@code authorization} instead of the default admin token. */
    public static Channel as(Channel channel, String authorization) {
        return ClientInterceptors.intercept(channel, authorization(authorization));
    }

    private static ClientInterceptor authorization(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Deterministic pseudo-random content. */
    public static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Splits {@code data} into chunks of {@code chunkSize} bytes (the last may be shorter). */
    public static List<ByteString> chunks(byte[] data, int chunkSize) {
        List<ByteString> chunks = new ArrayList<>();
        for (int off = 0; off < data.length; off += chunkSize) {
            chunks.add(ByteString.copyFrom(data, off, Math.min(chunkSize, data.length - off)));
        }
        return chunks;
    }

    /** Uploads {@code data} honestly (correct header, 64 KiB chunks). */
    public static ArtifactRef upload(Channel channel, byte[] data) {
        return upload(channel, header(Hashing.sha256Hex(data), data.length), chunks(data, 64 * 1024));
    }

    /**
     * Registers a new model named {@code prefix} and a random suffix with {@code n} versions of one uploaded artifact
     * ({@code artifactSize} pseudo-random bytes).
     *
     * @return the model's name
     */
    public static String modelWithVersions(
            Channel channel,
            ModelRegistryGrpc.ModelRegistryBlockingStub registry,
            String prefix,
            int artifactSize,
            int n) {
        String model = prefix + UUID.randomUUID().toString().substring(0, 8);
        String sha =
                upload(channel, randomBytes(artifactSize, model.hashCode())).getSha256();
        for (int i = 0; i < n; i++) {
            registry.registerVersion(RegisterVersionRequest.newBuilder()
                    .setModelName(model)
                    .setArtifactSha256(sha)
                    .build());
        }
        return model;
    }

    /** A header with media type {@code application/onnx}. */
    public static UploadHeader header(String sha256, long size) {
        return UploadHeader.newBuilder()
                .setSha256(sha256)
                .setSizeBytes(size)
                .setMediaType("application/onnx")
                .build();
    }

    /**
     * Sends {@code header} (when not null) and {@code chunks}, then completes; returns the server's answer.
     *
     * @throws io.grpc.StatusRuntimeException when the server fails the upload
     */
    public static ArtifactRef upload(Channel channel, UploadHeader header, List<ByteString> chunks) {
        CompletableFuture<ArtifactRef> result = new CompletableFuture<>();
        StreamObserver<UploadRequest> requests = ArtifactServiceGrpc.newStub(channel)
                .upload(Observers.of(
                        result::complete,
                        result::completeExceptionally,
                        () -> result.completeExceptionally(new IllegalStateException("completed without a response"))));
        if (header != null) {
            requests.onNext(UploadRequest.newBuilder().setHeader(header).build());
        }
        for (ByteString chunk : chunks) {
            if (result.isDone()) {
                break;
            }
            requests.onNext(UploadRequest.newBuilder().setChunk(chunk).build());
        }
        requests.onCompleted();
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("upload did not finish", e);
        }
    }
}
