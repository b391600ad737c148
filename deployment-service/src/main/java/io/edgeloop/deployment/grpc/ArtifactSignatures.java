package io.edgeloop.deployment.grpc;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.kit.grpc.GrpcRetries;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Reads the registry's signature of an artifact ({@code ArtifactService.GetArtifact}, gRPC client {@code registry}),
 * so assignments carry it and devices can verify the artifact. Unknown artifacts (NOT_FOUND), a registry without the
 * RPC (UNIMPLEMENTED) or an unsigned artifact give no signature; an unavailable registry is retried, then the
 * failure propagates (the ModelOptimized record goes to the dead-letter topic).
 */
@ApplicationScoped
public class ArtifactSignatures {
    private static final Logger LOG = Logger.getLogger(ArtifactSignatures.class);
    /** A signature and the id of the key that made it. */
    public record Signature(String signature, String signingKeyId) {}

    @GrpcClient("registry")
    ArtifactServiceGrpc.ArtifactServiceBlockingStub registry;

    @Inject
    DeploymentConfig config;

    /** The registry's signature of the artifact {@code sha256}, empty when there is none. */
    public Optional<Signature> of(String sha256) {
        ArtifactRef ref;
        try {
            ref = new GrpcRetries(Duration.ofMillis(200), Duration.ofSeconds(2), Math.max(1, config.registryAttempts()))
                    .call(
                            "registry GetArtifact " + sha256,
                            () -> registry.withDeadlineAfter(
                                            config.registryTimeout().toMillis(), TimeUnit.MILLISECONDS)
                                    .getArtifact(GetArtifactRequest.newBuilder()
                                            .setSha256(sha256)
                                            .build()));
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND || code == Status.Code.UNIMPLEMENTED) {
                LOG.infof("registry has no signature for %s (%s): assignment stays unsigned", sha256, code);
                return Optional.empty();
            }
            throw new IllegalStateException("registry GetArtifact " + sha256 + " failed: " + e.getStatus(), e);
        }
        if (ref.getSignature().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Signature(ref.getSignature(), ref.getSigningKeyId()));
    }
}
