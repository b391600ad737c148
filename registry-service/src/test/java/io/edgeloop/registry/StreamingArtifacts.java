package io.edgeloop.registry;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Large artifacts without holding them in memory: deterministic content generated chunk by chunk, uploaded with
 * client-side flow control (a chunk is sent only while the transport is ready) and downloaded while hashing.
 */
public final class StreamingArtifacts {
    private static final int CHUNK = 64 * 1024;

    private StreamingArtifacts() {}

    /** Deterministic pseudo-random content of {@code size} bytes, produced in chunks. */
    public static final class Content {
        private final long size;
        private final long seed;

        public Content(long size, long seed) {
            this.size = size;
            this.seed = seed;
        }

        public long size() {
            return size;
        }

        /** A fresh generator from the start. */
        public Iterator<byte[]> chunks() {
            SplittableRandom random = new SplittableRandom(seed);
            return new Iterator<>() {
                long produced;

                @Override
                public boolean hasNext() {
                    return produced < size;
                }

                @Override
                public byte[] next() {
                    int n = (int) Math.min(CHUNK, size - produced);
                    byte[] chunk = new byte[n];
                    for (int i = 0; i < n; i += 8) {
                        long v = random.nextLong();
                        for (int j = 0; j < 8 && i + j < n; j++) {
                            chunk[i + j] = (byte) (v >>> (8 * j));
                        }
                    }
                    produced += n;
                    return chunk;
                }
            };
        }

        /** SHA-256 hex of the content, computed streaming. */
        public String sha256() {
            MessageDigest digest = Hashing.sha256();
            chunks().forEachRemaining(digest::update);
            return Hashing.hex(digest);
        }
    }

    /** Uploads {@code content} with flow control; returns the server's answer. */
    public static ArtifactRef upload(Channel channel, Content content, String sha256) {
        CompletableFuture<ArtifactRef> result = new CompletableFuture<>();
        Iterator<byte[]> chunks = content.chunks();
        ArtifactServiceGrpc.newStub(channel).upload(new ClientResponseObserver<UploadRequest, ArtifactRef>() {
            private ClientCallStreamObserver<UploadRequest> requests;
            private boolean headerSent;
            private boolean completed;

            @Override
            public void beforeStart(ClientCallStreamObserver<UploadRequest> requestStream) {
                this.requests = requestStream;
                requestStream.setOnReadyHandler(this::pump);
            }

            private synchronized void pump() {
                while (!completed && requests.isReady()) {
                    if (!headerSent) {
                        requests.onNext(UploadRequest.newBuilder()
                                .setHeader(UploadHeader.newBuilder()
                                        .setSha256(sha256)
                                        .setSizeBytes(content.size())
                                        .setMediaType("application/octet-stream"))
                                .build());
                        headerSent = true;
                    } else if (chunks.hasNext()) {
                        requests.onNext(UploadRequest.newBuilder()
                                .setChunk(ByteString.copyFrom(chunks.next()))
                                .build());
                    } else {
                        completed = true;
                        requests.onCompleted();
                    }
                }
            }

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
                result.completeExceptionally(new IllegalStateException("completed without a response"));
            }
        });
        try {
            return result.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("upload did not finish", e);
        }
    }

    /**
     * Downloads an artifact from {@code offset}, hashing the bytes, without keeping them.
     *
     * @return {bytes received, first chunk} as a result record
     */
    public static Downloaded download(Channel channel, String sha256, long offset) {
        MessageDigest digest = Hashing.sha256();
        long bytes = 0;
        DownloadChunk first = null;
        Iterator<DownloadChunk> chunks = ArtifactServiceGrpc.newBlockingStub(channel)
                .download(DownloadRequest.newBuilder()
                        .setSha256(sha256)
                        .setOffset(offset)
                        .build());
        while (chunks.hasNext()) {
            DownloadChunk chunk = chunks.next();
            if (first == null) {
                first = chunk;
            }
            if (chunk.getOffset() != offset + bytes) {
                throw new IllegalStateException("chunk at " + chunk.getOffset() + ", expected " + (offset + bytes));
            }
            digest.update(chunk.getData().asReadOnlyByteBuffer());
            bytes += chunk.getData().size();
        }
        return new Downloaded(bytes, Hashing.hex(digest), first);
    }

    /**
     * Result of {@link #download}.
     *
     * @param bytes bytes received
     * @param sha256 hex SHA-256 of the bytes received
     * @param first the first chunk (with the signature)
     */
    public record Downloaded(long bytes, String sha256, DownloadChunk first) {}
}
