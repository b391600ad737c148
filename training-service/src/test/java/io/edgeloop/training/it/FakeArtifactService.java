package io.edgeloop.training.it;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import java.io.ByteArrayOutputStream;

/** Test double of registry-service's ArtifactService upload: header first, 64 KiB chunks, sha256 verified. */
@GrpcService
public class FakeArtifactService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    @Override
    public StreamObserver<UploadRequest> upload(StreamObserver<ArtifactRef> response) {
        return new StreamObserver<>() {
            private UploadHeader header;
            private final ByteArrayOutputStream content = new ByteArrayOutputStream();
            private boolean failed;

            @Override
            public void onNext(UploadRequest value) {
                if (failed) {
                    return;
                }
                if (value.hasHeader()) {
                    if (header != null) {
                        fail(Status.INVALID_ARGUMENT.withDescription("second header"));
                        return;
                    }
                    header = value.getHeader();
                } else if (header == null) {
                    fail(Status.INVALID_ARGUMENT.withDescription("chunk before header"));
                } else if (value.getChunk().size() > 64 * 1024) {
                    fail(Status.INVALID_ARGUMENT.withDescription("chunk over 64 KiB"));
                } else {
                    content.writeBytes(value.getChunk().toByteArray());
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
                byte[] bytes = content.toByteArray();
                if (bytes.length != header.getSizeBytes()
                        || !Hashing.sha256Hex(bytes).equals(header.getSha256())) {
                    fail(Status.DATA_LOSS.withDescription("content does not match the header's size and sha256"));
                    return;
                }
                FakeRegistry.store(bytes);
                response.onNext(ArtifactRef.newBuilder()
                        .setSha256(header.getSha256())
                        .setSizeBytes(bytes.length)
                        .setMediaType(header.getMediaType())
                        .build());
                response.onCompleted();
            }

            private void fail(Status status) {
                failed = true;
                response.onError(status.asRuntimeException());
            }
        };
    }
}
