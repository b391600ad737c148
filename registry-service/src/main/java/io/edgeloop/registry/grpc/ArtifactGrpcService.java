package io.edgeloop.registry.grpc;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.kit.auth.DownloadGrants;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.edgeloop.proto.registry.v1.GetSigningKeysRequest;
import io.edgeloop.proto.registry.v1.SigningKey;
import io.edgeloop.proto.registry.v1.SigningKeys;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.edgeloop.registry.config.RegistryConfig;
import io.edgeloop.registry.signing.ArtifactSignature;
import io.edgeloop.registry.signing.ArtifactSigner;
import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.registry.storage.ArtifactUpload;
import io.edgeloop.registry.storage.DigestMismatchException;
import io.edgeloop.registry.storage.NoSuchArtifactException;
import io.edgeloop.registry.storage.StoredArtifact;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * Streams artifacts in and out of the {@link ArtifactStore} in chunks of at most {@value #CHUNK_BYTES} bytes.
 * Uploads are verified against their header (DATA_LOSS on a mismatch, with nothing stored); downloads respect the
 * client's flow control, so neither direction holds more than a chunk or two in memory. Content that a version or
 * variant references (registration signs it) carries the registry's Ed25519 signature of its digest: on the first
 * Download chunk, from GetArtifact and in the Upload response of content registered before; content only uploaded
 * is unsigned (empty signature fields). GetSigningKeys serves the public keys that verify signatures. Upload needs
 * {@code ml}; the reads are open to viewers and devices, and a device downloads only an artifact assigned to it
 * (with the download grant that came with the assignment, see {@link DownloadGrants}).
 */
@GrpcService
public class ArtifactGrpcService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    /** Largest chunk accepted in an upload and sent in a download. */
    public static final int CHUNK_BYTES = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(ArtifactGrpcService.class);

    @Inject
    ArtifactStore store;

    @Inject
    RegistryConfig config;

    @Inject
    ArtifactSigner signer;

    @Inject
    DownloadGrants grants;

    @Inject
    SecurityIdentity identity;

    @Override
    @Blocking
    @RolesAllowed({Roles.VIEWER, Roles.DEVICE})
    public void getArtifact(GetArtifactRequest request, StreamObserver<ArtifactRef> responseObserver) {
        String sha256 = request.getSha256();
        if (!Hashing.isSha256Hex(sha256)) {
            responseObserver.onError(invalid("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'"));
            return;
        }
        try {
            OptionalLong size = store.size(sha256);
            if (size.isEmpty()) {
                responseObserver.onError(Status.NOT_FOUND
                        .withDescription("no artifact with sha256 " + sha256)
                        .asRuntimeException());
                return;
            }
            responseObserver.onNext(signed(
                            ArtifactRef.newBuilder()
                                    .setSha256(sha256)
                                    .setSizeBytes(size.getAsLong())
                                    .setMediaType("application/octet-stream"),
                            signer.signature(sha256))
                    .build());
            responseObserver.onCompleted();
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "cannot describe artifact %s", sha256);
            responseObserver.onError(Status.INTERNAL
                    .withDescription("cannot read artifact " + sha256 + ": " + e)
                    .asRuntimeException());
        }
    }

    @Override
    @Blocking
    @RolesAllowed({Roles.VIEWER, Roles.DEVICE})
    public void getSigningKeys(GetSigningKeysRequest request, StreamObserver<SigningKeys> responseObserver) {
        try {
            SigningKeys.Builder keys = SigningKeys.newBuilder();
            signer.keys()
                    .forEach(k -> keys.addKeys(SigningKey.newBuilder()
                            .setKeyId(k.keyId())
                            .setAlgorithm(k.algorithm())
                            .setPublicKey(ByteString.copyFrom(k.publicKey()))));
            responseObserver.onNext(keys.build());
            responseObserver.onCompleted();
        } catch (RuntimeException e) {
            LOG.error("cannot list signing keys", e);
            responseObserver.onError(Status.INTERNAL
                    .withDescription("cannot list signing keys: " + e)
                    .asRuntimeException());
        }
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.ML)
    public StreamObserver<UploadRequest> upload(StreamObserver<ArtifactRef> responseObserver) {
        return new UploadHandler(responseObserver);
    }

    @Override
    @Blocking
    @RolesAllowed({Roles.VIEWER, Roles.DEVICE})
    public void download(DownloadRequest request, StreamObserver<DownloadChunk> responseObserver) {
        String sha256 = request.getSha256();
        if (!Hashing.isSha256Hex(sha256)) {
            responseObserver.onError(invalid("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'"));
            return;
        }
        if (request.getOffset() < 0) {
            responseObserver.onError(invalid("offset must not be negative, got " + request.getOffset()));
            return;
        }
        Optional<String> refusal = grants.refusal(identity, sha256, request.getDownloadGrant());
        if (refusal.isPresent()) {
            LOG.infof("download of %s refused to %s: %s", sha256, Caller.subject(identity), refusal.get());
            responseObserver.onError(
                    Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
            return;
        }
        SeekableByteChannel channel;
        long size;
        try {
            OptionalLong stored = store.size(sha256);
            if (stored.isEmpty()) {
                responseObserver.onError(Status.NOT_FOUND
                        .withDescription("no artifact with sha256 " + sha256)
                        .asRuntimeException());
                return;
            }
            size = stored.getAsLong();
            if (request.getOffset() > size) {
                responseObserver.onError(
                        invalid("offset " + request.getOffset() + " is beyond the artifact's " + size + " bytes"));
                return;
            }
            channel = store.open(sha256, request.getOffset());
        } catch (NoSuchArtifactException e) {
            responseObserver.onError(Status.NOT_FOUND
                    .withDescription("no artifact with sha256 " + sha256)
                    .asRuntimeException());
            return;
        } catch (IOException e) {
            LOG.errorf(e, "cannot open artifact %s", sha256);
            responseObserver.onError(Status.INTERNAL
                    .withDescription("cannot read artifact " + sha256 + ": " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        Optional<ArtifactSignature> signature;
        try {
            signature = signer.signature(sha256);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            LOG.errorf(e, "cannot read the signature of artifact %s", sha256);
            responseObserver.onError(Status.INTERNAL
                    .withDescription("cannot read the signature of artifact " + sha256 + ": " + e)
                    .asRuntimeException());
            return;
        }
        var call = (ServerCallStreamObserver<DownloadChunk>) responseObserver;
        var pump = new DownloadPump(call, channel, sha256, size, request.getOffset(), signature);
        call.setOnCancelHandler(pump::cancel);
        call.setOnReadyHandler(pump::drain);
        pump.drain();
    }

    private static void closeQuietly(SeekableByteChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing an artifact channel", e);
        }
    }

    /** {@code ref} with the signature, when there is one. */
    private static ArtifactRef.Builder signed(ArtifactRef.Builder ref, Optional<ArtifactSignature> signature) {
        signature.ifPresent(s -> ref.setSignature(s.signature()).setSigningKeyId(s.keyId()));
        return ref;
    }

    private static StatusRuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    /**
     * Receives one upload: header first, then chunks, written to the store as they arrive. Calls come in order
     * (one at a time) from the worker pool; the methods are synchronized for visibility across those threads.
     */
    private final class UploadHandler implements StreamObserver<UploadRequest> {
        private final StreamObserver<ArtifactRef> response;
        private UploadHeader header;
        private ArtifactUpload upload;
        private boolean done;

        UploadHandler(StreamObserver<ArtifactRef> response) {
            this.response = response;
        }

        @Override
        public synchronized void onNext(UploadRequest request) {
            if (done) {
                return;
            }
            try {
                switch (request.getPartCase()) {
                    case HEADER -> onHeader(request.getHeader());
                    case CHUNK -> onChunk(request.getChunk());
                    default ->
                        fail(Status.INVALID_ARGUMENT.withDescription(
                                "upload message carries neither a header nor a chunk"));
                }
            } catch (DigestMismatchException e) {
                fail(Status.DATA_LOSS.withDescription(e.getMessage()));
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "upload of %s failed", header == null ? "?" : header.getSha256());
                fail(Status.INTERNAL.withDescription("cannot store the artifact: " + e));
            }
        }

        private void onHeader(UploadHeader h) throws IOException {
            if (header != null) {
                fail(Status.INVALID_ARGUMENT.withDescription("the header must be sent once, as the first message"));
                return;
            }
            if (!Hashing.isSha256Hex(h.getSha256())) {
                fail(Status.INVALID_ARGUMENT.withDescription(
                        "header.sha256 must be 64 lower-case hex digits, got '" + h.getSha256() + "'"));
                return;
            }
            long max = config.maxArtifactSize().asLongValue();
            if (h.getSizeBytes() < 0 || h.getSizeBytes() > max) {
                fail(Status.INVALID_ARGUMENT.withDescription(
                        "header.size_bytes must be between 0 and " + max + ", got " + h.getSizeBytes()));
                return;
            }
            header = h;
            upload = store.begin(h.getSha256(), h.getSizeBytes());
        }

        private void onChunk(ByteString chunk) throws IOException {
            if (header == null) {
                fail(Status.INVALID_ARGUMENT.withDescription("the header must come before the first chunk"));
                return;
            }
            if (chunk.size() > CHUNK_BYTES) {
                fail(Status.INVALID_ARGUMENT.withDescription(
                        "chunks are at most " + CHUNK_BYTES + " bytes, got " + chunk.size()));
                return;
            }
            upload.write(chunk.asReadOnlyByteBuffer());
        }

        @Override
        public synchronized void onError(Throwable t) {
            // the client cancelled or the connection broke: discard what arrived
            LOG.debugf("upload of %s aborted by the client: %s", header == null ? "?" : header.getSha256(), t);
            done = true;
            discard();
        }

        @Override
        public synchronized void onCompleted() {
            if (done) {
                return;
            }
            if (header == null) {
                fail(Status.INVALID_ARGUMENT.withDescription("upload ended without a header"));
                return;
            }
            try {
                StoredArtifact stored = upload.commit();
                done = true;
                LOG.infof(
                        "artifact %s (%d bytes) %s",
                        stored.sha256(), stored.sizeBytes(), stored.created() ? "stored" : "already stored");
                // unsigned until a version or variant registers it (signed already when registered before)
                response.onNext(signed(
                                ArtifactRef.newBuilder()
                                        .setSha256(stored.sha256())
                                        .setSizeBytes(stored.sizeBytes())
                                        .setMediaType(header.getMediaType()),
                                signer.signature(stored.sha256()))
                        .build());
                response.onCompleted();
            } catch (DigestMismatchException e) {
                fail(Status.DATA_LOSS.withDescription(e.getMessage()));
            } catch (NoSuchArtifactException e) {
                // the content was stored when the upload began (so only verified) and orphan GC deleted it since
                fail(Status.ABORTED.withDescription("artifact " + header.getSha256()
                        + " was garbage-collected while it was being uploaded; upload it again"));
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "upload of %s failed", header.getSha256());
                fail(Status.INTERNAL.withDescription("cannot store the artifact: " + e));
            }
        }

        private void fail(Status status) {
            done = true;
            discard();
            response.onError(status.asRuntimeException());
        }

        private void discard() {
            if (upload != null) {
                upload.close();
            }
        }
    }

    /**
     * Sends an artifact chunk by chunk while the transport is ready for more, resuming from the on-ready callback.
     */
    private static final class DownloadPump {
        private final ServerCallStreamObserver<DownloadChunk> call;
        private final SeekableByteChannel channel;
        private final String sha256;
        private final long size;
        private final Optional<ArtifactSignature> signature;
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        private long position;
        private boolean sentAny;
        private boolean done;

        DownloadPump(
                ServerCallStreamObserver<DownloadChunk> call,
                SeekableByteChannel channel,
                String sha256,
                long size,
                long offset,
                Optional<ArtifactSignature> signature) {
            this.call = call;
            this.channel = channel;
            this.sha256 = sha256;
            this.size = size;
            this.position = offset;
            this.signature = signature;
        }

        synchronized void drain() {
            try {
                while (!done && call.isReady()) {
                    if (position == size) {
                        // nothing (more) to read: an empty artifact or a resume at the end still gets one chunk
                        // carrying the size and digest
                        if (!sentAny) {
                            call.onNext(chunk(ByteString.EMPTY));
                        }
                        finish();
                        call.onCompleted();
                        return;
                    }
                    buffer.clear();
                    buffer.limit((int) Math.min(CHUNK_BYTES, size - position));
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer) < 0) {
                            throw new IOException("artifact " + sha256 + " is shorter than its " + size + " bytes");
                        }
                    }
                    buffer.flip();
                    call.onNext(chunk(ByteString.copyFrom(buffer)));
                    position += buffer.limit();
                    sentAny = true;
                }
            } catch (IOException | RuntimeException e) {
                if (!done) {
                    LOG.errorf(e, "download of %s failed at offset %d", sha256, position);
                    finish();
                    call.onError(Status.DATA_LOSS
                            .withDescription("cannot read artifact " + sha256 + ": " + e.getMessage())
                            .asRuntimeException());
                }
            }
        }

        private DownloadChunk chunk(ByteString data) {
            DownloadChunk.Builder chunk = DownloadChunk.newBuilder()
                    .setOffset(position)
                    .setData(data)
                    .setTotalSize(size)
                    .setSha256(sha256);
            if (!sentAny) {
                signature.ifPresent(s -> chunk.setSignature(s.signature()).setSigningKeyId(s.keyId()));
            }
            return chunk.build();
        }

        synchronized void cancel() {
            finish();
        }

        private void finish() {
            done = true;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debugf(e, "closing artifact %s", sha256);
            }
        }
    }
}
