package io.edgeloop.compiler.grpc;

import io.edgeloop.common.Hashing;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.CompilationFailure;
import io.edgeloop.kit.grpc.ArtifactUploads;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The registry's ArtifactService and ModelRegistry, as used by the compiler. */
@ApplicationScoped
public class RegistryGateway {
    @GrpcClient("registry")
    ArtifactServiceGrpc.ArtifactServiceBlockingStub artifacts;

    /** The channel, for the async stub that client-streaming Upload needs (Quarkus injects blocking stubs only). */
    @GrpcClient("registry")
    Channel registryChannel;

    @GrpcClient("registry")
    ModelRegistryGrpc.ModelRegistryBlockingStub models;

    @Inject
    GrpcCalls calls;

    @Inject
    CompilerConfig config;

    /**
     * Downloads artifact {@code sha256} into {@code target} and verifies its digest and size.
     *
     * @throws CompilationFailure when the artifact does not exist or its content does not match its digest
     */
    public void download(String sha256, Path target) {
        calls.call("registry Download " + sha256, () -> {
            downloadOnce(sha256, target);
            return target;
        });
    }

    private void downloadOnce(String sha256, Path target) throws IOException {
        MessageDigest md = Hashing.sha256();
        long written = 0;
        long total = -1;
        try (OutputStream out = Files.newOutputStream(target)) {
            Iterator<DownloadChunk> it = artifacts
                    .withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                    .download(DownloadRequest.newBuilder()
                            .setSha256(sha256)
                            .setOffset(0)
                            .build());
            while (it.hasNext()) {
                DownloadChunk c = it.next();
                if (c.getOffset() != written) {
                    throw new CompilationFailure("registry sent a chunk at offset " + c.getOffset() + ", expected "
                            + written + " (artifact " + sha256 + ")");
                }
                total = c.getTotalSize();
                byte[] data = c.getData().toByteArray();
                md.update(data);
                out.write(data);
                written += data.length;
            }
        }
        String actual = Hashing.hex(md);
        if (!actual.equals(sha256) || (total >= 0 && total != written)) {
            Files.deleteIfExists(target);
            throw new CompilationFailure("downloaded artifact does not match its digest: expected " + sha256 + ", got "
                    + actual + " (" + written + " of " + total + " bytes)");
        }
    }

    /**
     * Uploads {@code file}: header, then 64 KiB chunks. Idempotent on the registry side.
     *
     * @return the registry's reference of the stored artifact
     */
    public ArtifactRef upload(Path file, String sha256, String mediaType) {
        return calls.call("registry Upload " + file.getFileName(), () -> uploadOnce(file, sha256, mediaType));
    }

    private ArtifactRef uploadOnce(Path file, String sha256, String mediaType) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return ArtifactUploads.upload(
                    registryChannel, config.grpc().deadline(), in, Files.size(file), sha256, mediaType);
        } catch (IllegalStateException e) {
            throw new CompilationFailure(e.getMessage()); // the registry stored something else
        }
    }

    /** Registers a variant of a model version (idempotent per model, version and target). */
    public ModelVariant addVariant(
            String modelName,
            int modelVersion,
            String target,
            String format,
            String sha256,
            Map<String, Double> metrics,
            Map<String, String> settings) {
        AddVariantRequest request = AddVariantRequest.newBuilder()
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setTarget(target)
                .setFormat(format)
                .setArtifactSha256(sha256)
                .putAllMetrics(metrics)
                .putAllSettings(settings)
                .build();
        return calls.call(
                "registry AddVariant " + modelName + " v" + modelVersion + " " + target,
                () -> models.withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .addVariant(request));
    }

    /**
     * Registers an uploaded artifact as a new version of {@code request.model_name} (idempotent per
     * {@code idempotency_key}).
     *
     * @throws CompilationFailure with the gRPC status in its cause on a permanent error
     */
    public ModelVersion registerVersion(RegisterVersionRequest request) {
        return calls.call(
                "registry RegisterVersion " + request.getModelName(),
                () -> models.withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .registerVersion(request));
    }

    /**
     * A model version with its lineage.
     *
     * @throws CompilationFailure with the gRPC status in its cause (NOT_FOUND when there is no such version)
     */
    public ModelVersion getVersion(String modelName, int version) {
        GetVersionRequest request = GetVersionRequest.newBuilder()
                .setModelName(modelName)
                .setVersion(version)
                .build();
        return calls.call(
                "registry GetVersion " + modelName + " v" + version,
                () -> models.withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .getVersion(request));
    }

    /**
     * The version alias {@code alias} of {@code modelName} points at; empty when there is no such alias (NOT_FOUND).
     *
     * @throws CompilationFailure with the gRPC status in its cause on another permanent error
     */
    public java.util.Optional<ModelVersion> alias(String modelName, String alias) {
        GetVersionRequest request = GetVersionRequest.newBuilder()
                .setModelName(modelName)
                .setAlias(alias)
                .build();
        try {
            return java.util.Optional.of(calls.call(
                    "registry GetVersion " + modelName + " alias " + alias,
                    () -> models.withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                            .getVersion(request)));
        } catch (CompilationFailure e) {
            if (e.getCause() instanceof io.grpc.StatusRuntimeException sre
                    && sre.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }
}
