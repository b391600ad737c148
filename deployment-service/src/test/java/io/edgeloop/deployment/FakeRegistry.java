package io.edgeloop.deployment;

import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of the registry's ArtifactService.GetArtifact, served on this service's own gRPC test port: digests
 * registered with {@link #sign} come back signed, others are NOT_FOUND.
 */
@GrpcService
public class FakeRegistry extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    private static final Map<String, String> SIGNATURES = new ConcurrentHashMap<>();

    /** Makes GetArtifact return {@code signature} (key {@code test-key}) for {@code sha256}. */
    public static void sign(String sha256, String signature) {
        SIGNATURES.put(sha256, signature);
    }

    @Override
    public void getArtifact(GetArtifactRequest request, StreamObserver<ArtifactRef> response) {
        String sig = SIGNATURES.get(request.getSha256());
        if (sig == null) {
            response.onError(Status.NOT_FOUND
                    .withDescription("no artifact " + request.getSha256())
                    .asRuntimeException());
            return;
        }
        response.onNext(ArtifactRef.newBuilder()
                .setSha256(request.getSha256())
                .setSignature(sig)
                .setSigningKeyId("test-key")
                .build());
        response.onCompleted();
    }
}
