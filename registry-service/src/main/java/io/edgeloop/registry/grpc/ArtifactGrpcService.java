package io.edgeloop.registry.grpc;

import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

@GrpcService
public class ArtifactGrpcService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    @Override
    @Blocking
    public void download(DownloadRequest request, StreamObserver<DownloadChunk> responseObserver) {
        responseObserver.onError(Status.NOT_FOUND
                .withDescription("no artifact " + request.getSha256())
                .asRuntimeException());
    }

    @Override
    public StreamObserver<UploadRequest> upload(StreamObserver<ArtifactRef> responseObserver) {
        return super.upload(responseObserver);
    }
}
