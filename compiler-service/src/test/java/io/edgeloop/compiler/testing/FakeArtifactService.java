package io.edgeloop.compiler.testing;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory double of the registry's ArtifactService, enforcing the contract (header first, 64 KiB, digests). */
@GrpcService
public class FakeArtifactService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    /** A stored artifact. */
    public record Stored(byte[] bytes, String mediaType) {}

    private final Map<String, Stored> store = new ConcurrentHashMap<>();

    /** Stores {@code bytes} as if uploaded; returns the digest. */
    public String put(byte[] bytes, String mediaType) {
        String sha = Hashing.sha256Hex(bytes);
        store.put(sha, new Stored(bytes, mediaType));
        return sha;
    }

    public Stored get(String sha256) {
        return store.get(sha256);
    }

    /** Number of stored artifacts. */
    public int count() {
        return store.size();
    }

    public boolean contains(String sha256) {
        return store.containsKey(sha256);
    }

    @Override
    public void download(DownloadRequest request, StreamObserver<DownloadChunk> out) {
        Stored s = store.get(request.getSha256());
        if (s == null) {
            out.onError(Status.NOT_FOUND
                    .withDescription("no artifact " + request.getSha256())
                    .asRuntimeException());
            return;
        }
        byte[] b = s.bytes;
        for (int off = (int) request.getOffset(); off < b.length; off += 64 * 1024) {
            int n = Math.min(64 * 1024, b.length - off);
            out.onNext(DownloadChunk.newBuilder()
                    .setOffset(off)
                    .setData(ByteString.copyFrom(b, off, n))
                    .setTotalSize(b.length)
                    .setSha256(request.getSha256())
                    .build());
        }
        out.onCompleted();
    }

    @Override
    public StreamObserver<UploadRequest> upload(StreamObserver<ArtifactRef> out) {
        return new StreamObserver<>() {
            UploadHeader header;
            final ByteArrayOutputStream data = new ByteArrayOutputStream();
            boolean failed;

            @Override
            public void onNext(UploadRequest r) {
                if (failed) {
                    return;
                }
                if (header == null) {
                    if (!r.hasHeader()) {
                        fail(Status.INVALID_ARGUMENT.withDescription("header first"));
                        return;
                    }
                    header = r.getHeader();
                } else if (r.getChunk().size() > 64 * 1024) {
                    fail(Status.INVALID_ARGUMENT.withDescription("chunk over 64 KiB"));
                } else {
                    data.writeBytes(r.getChunk().toByteArray());
                }
            }

            @Override
            public void onError(Throwable t) {
                failed = true;
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                if (header == null) {
                    fail(Status.INVALID_ARGUMENT.withDescription("no header"));
                    return;
                }
                byte[] bytes = data.toByteArray();
                String sha = Hashing.sha256Hex(bytes);
                if (!sha.equals(header.getSha256()) || bytes.length != header.getSizeBytes()) {
                    fail(Status.DATA_LOSS.withDescription("digest mismatch"));
                    return;
                }
                store.put(sha, new Stored(bytes, header.getMediaType()));
                out.onNext(ArtifactRef.newBuilder()
                        .setSha256(sha)
                        .setSizeBytes(bytes.length)
                        .setMediaType(header.getMediaType())
                        .build());
                out.onCompleted();
            }

            private void fail(Status s) {
                failed = true;
                out.onError(s.asRuntimeException());
            }
        };
    }
}
