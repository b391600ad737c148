package io.edgeloop.testsupport;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory double of registry-service's {@code ArtifactService} with its contract: an upload sends the header first
 * and then chunks of at most {@value #CHUNK_BYTES} bytes; the content is checked against the header's size and sha256
 * (INVALID_ARGUMENT for a malformed stream, DATA_LOSS for content that does not match, nothing stored either way).
 * Downloads come in {@value #CHUNK_BYTES}-byte chunks from the requested offset. Artifacts are not signed.
 */
public class InMemoryArtifactService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    /** Largest chunk accepted in an upload and sent in a download, as in the registry. */
    public static final int CHUNK_BYTES = 64 * 1024;

    /** Default largest artifact an upload may announce. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    /** A stored artifact. */
    public record Stored(byte[] bytes, String mediaType) {}

    private final Map<String, Stored> store = new ConcurrentHashMap<>();
    private final InjectedFaults faults = new InjectedFaults();
    private final long maxBytes;

    /** A double accepting artifacts of up to {@link #DEFAULT_MAX_BYTES}. */
    public InMemoryArtifactService() {
        this(DEFAULT_MAX_BYTES);
    }

    /** A double accepting artifacts of up to {@code maxBytes} (the registry's {@code max-artifact-size}). */
    public InMemoryArtifactService(long maxBytes) {
        if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be between 0 and 2 GiB, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Stores {@code bytes} as if uploaded; returns their sha256. */
    public String put(byte[] bytes, String mediaType) {
        String sha256 = Hashing.sha256Hex(bytes);
        store.put(sha256, new Stored(bytes.clone(), mediaType));
        return sha256;
    }

    /** The artifact with this digest, or null. */
    public Stored get(String sha256) {
        return store.get(sha256);
    }

    /** The content of the artifact with this digest, or null. */
    public byte[] bytes(String sha256) {
        Stored s = store.get(sha256);
        return s == null ? null : s.bytes();
    }

    /** Whether an artifact with this digest is stored. */
    public boolean contains(String sha256) {
        return store.containsKey(sha256);
    }

    /** Number of stored artifacts. */
    public int count() {
        return store.size();
    }

    /** Faults to answer the next calls with ({@code ArtifactServiceGrpc.getUploadMethod()} etc.). */
    public InjectedFaults faults() {
        return faults;
    }

    @Override
    public StreamObserver<UploadRequest> upload(StreamObserver<ArtifactRef> response) {
        StatusRuntimeException fault = faults.take(ArtifactServiceGrpc.getUploadMethod());
        if (fault != null) {
            response.onError(fault);
            return new Upload(response, true);
        }
        return new Upload(response, false);
    }

    @Override
    public void download(DownloadRequest request, StreamObserver<DownloadChunk> response) {
        byte[] bytes;
        try {
            faults.check(ArtifactServiceGrpc.getDownloadMethod());
            bytes = lookup(request.getSha256()).bytes();
            if (request.getOffset() < 0) {
                throw invalid("offset must not be negative, got " + request.getOffset());
            }
            if (request.getOffset() > bytes.length) {
                throw invalid("offset " + request.getOffset() + " is beyond the artifact's " + bytes.length + " bytes");
            }
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        int offset = (int) request.getOffset();
        // like the registry: an empty artifact or a resume at the end still gets one chunk with the size and digest
        do {
            int n = Math.min(CHUNK_BYTES, bytes.length - offset);
            response.onNext(DownloadChunk.newBuilder()
                    .setOffset(offset)
                    .setData(ByteString.copyFrom(bytes, offset, n))
                    .setTotalSize(bytes.length)
                    .setSha256(request.getSha256())
                    .build());
            offset += n;
        } while (offset < bytes.length);
        response.onCompleted();
    }

    @Override
    public void getArtifact(GetArtifactRequest request, StreamObserver<ArtifactRef> response) {
        faults.answer(ArtifactServiceGrpc.getGetArtifactMethod(), response, () -> {
            Stored stored = lookup(request.getSha256());
            return ArtifactRef.newBuilder()
                    .setSha256(request.getSha256())
                    .setSizeBytes(stored.bytes().length)
                    .setMediaType(stored.mediaType())
                    .build();
        });
    }

    /** The stored artifact: INVALID_ARGUMENT for a malformed digest, NOT_FOUND for an unknown one. */
    private Stored lookup(String sha256) {
        if (!Hashing.isSha256Hex(sha256)) {
            throw malformedDigest("sha256", sha256);
        }
        Stored stored = store.get(sha256);
        if (stored == null) {
            throw Status.NOT_FOUND
                    .withDescription("no artifact with sha256 " + sha256)
                    .asRuntimeException();
        }
        return stored;
    }

    private static StatusRuntimeException malformedDigest(String field, String sha256) {
        return invalid(field + " must be 64 lower-case hex digits, got '" + sha256 + "'");
    }

    private static StatusRuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    private static StatusRuntimeException dataLoss(String description) {
        return Status.DATA_LOSS.withDescription(description).asRuntimeException();
    }

    /** One upload: header, then chunks, verified and stored on completion. gRPC delivers its calls one at a time. */
    private final class Upload implements StreamObserver<UploadRequest> {
        private final StreamObserver<ArtifactRef> response;
        private final ByteArrayOutputStream content = new ByteArrayOutputStream();
        private UploadHeader header;
        private boolean done;

        Upload(StreamObserver<ArtifactRef> response, boolean done) {
            this.response = response;
            this.done = done;
        }

        @Override
        public synchronized void onNext(UploadRequest request) {
            if (done) {
                return;
            }
            switch (request.getPartCase()) {
                case HEADER -> onHeader(request.getHeader());
                case CHUNK -> onChunk(request.getChunk());
                default -> fail(invalid("upload message carries neither a header nor a chunk"));
            }
        }

        private void onHeader(UploadHeader h) {
            if (header != null) {
                fail(invalid("the header must be sent once, as the first message"));
            } else if (!Hashing.isSha256Hex(h.getSha256())) {
                fail(malformedDigest("header.sha256", h.getSha256()));
            } else if (h.getSizeBytes() < 0 || h.getSizeBytes() > maxBytes) {
                fail(invalid("header.size_bytes must be between 0 and " + maxBytes + ", got " + h.getSizeBytes()));
            } else {
                header = h;
            }
        }

        private void onChunk(ByteString chunk) {
            if (header == null) {
                fail(invalid("the header must come before the first chunk"));
            } else if (chunk.size() > CHUNK_BYTES) {
                fail(invalid("chunks are at most " + CHUNK_BYTES + " bytes, got " + chunk.size()));
            } else if (content.size() + (long) chunk.size() > header.getSizeBytes()) {
                fail(dataLoss("received more than the announced " + header.getSizeBytes() + " bytes"));
            } else {
                content.writeBytes(chunk.toByteArray());
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            done = true; // the client cancelled: nothing is stored
        }

        @Override
        public synchronized void onCompleted() {
            if (done) {
                return;
            }
            if (header == null) {
                fail(invalid("upload ended without a header"));
                return;
            }
            byte[] bytes = content.toByteArray();
            if (bytes.length != header.getSizeBytes()) {
                fail(dataLoss("received " + bytes.length + " bytes, the header announced " + header.getSizeBytes()));
                return;
            }
            String actual = Hashing.sha256Hex(bytes);
            if (!actual.equals(header.getSha256())) {
                fail(dataLoss("content has sha256 " + actual + ", the header announced " + header.getSha256()));
                return;
            }
            done = true;
            store.put(actual, new Stored(bytes, header.getMediaType()));
            response.onNext(ArtifactRef.newBuilder()
                    .setSha256(actual)
                    .setSizeBytes(bytes.length)
                    .setMediaType(header.getMediaType())
                    .build());
            response.onCompleted();
        }

        private void fail(StatusRuntimeException error) {
            done = true;
            response.onError(error);
        }
    }
}
