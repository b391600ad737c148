package io.edgeloop.compiler.domain;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions;
import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.common.Hashing;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.grpc.DatasetGateway;
import io.edgeloop.compiler.grpc.RegistryGateway;
import io.edgeloop.compiler.onnx.OnnxChecker;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * "Bring your own model": checks an uploaded ONNX model completely before anything is stored (ONNX protobuf, the
 * ONNX checker's structural rules, ONNX Runtime loads it, and it runs on the snapshot's validation samples with as
 * many outputs as the snapshot has classes; with the isolated memory probe, ONNX Runtime first loads and runs it in a
 * child JVM, so that a model that crashes the runtime never reaches this process), then uploads it to the registry,
 * registers it as a new version with the snapshot as lineage, and compiles it like a trained model. A rejected upload
 * leaves no registry version, no compilation row and no file.
 */
@ApplicationScoped
public class ModelUploads {
    private static final Logger LOG = Logger.getLogger(ModelUploads.class);

    @Inject
    CompilerConfig config;

    @Inject
    RegistryGateway registry;

    @Inject
    DatasetGateway datasets;

    @Inject
    CompilationService compilations;

    private ModelEvaluator precheck;

    @PostConstruct
    void init() {
        precheck = new ModelEvaluator(
                OrtEnvironment.getEnvironment(), 1, config.validation().batchSize(), 0, 1, false);
    }

    /**
     * The result of an upload.
     *
     * @param version the registered version
     * @param compilationId the compilation of it
     */
    public record Uploaded(ModelVersion version, String compilationId) {}

    /** Thrown when the uploaded bytes are not an ONNX protobuf model at all. */
    public static final class NotOnnxException extends RuntimeException {
        NotOnnxException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Thrown when the model is ONNX but unusable; {@code problems} lists every reason. */
    public static final class RejectedModelException extends RuntimeException {
        private final List<String> problems;

        RejectedModelException(String message, List<String> problems) {
            super(message);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * With the isolated memory probe, loads and runs the upload in a child JVM first, so that a model that crashes or
     * hangs ONNX Runtime is rejected without ever being loaded in this process.
     */
    private void probeInIsolation(Path file, OnnxMl.ModelProto model, ValidationSet data, ModelIo io, Naming n) {
        compilations.isolatedMemoryProbe().ifPresent(probe -> {
            int batch = Math.max(1, Math.min(precheck.batchSize(), data.size()));
            List<InputFeed> feeds;
            try {
                feeds = IoPlan.feeds(n.name(), IoPlan.graphInputs(model), io, data.featureCount());
                batch = IoPlan.batch(feeds, batch);
            } catch (RuntimeException e) {
                feeds = List.of(); // the session is only created; the check in process says why it cannot be fed
            }
            SessionMemoryProbe.Request request =
                    new SessionMemoryProbe.Request(file, null, SessionOptions.OptLevel.NO_OPT, 1, batch, feeds);
            try {
                probe.measure(request);
            } catch (SessionMemoryProbe.ModelFailure failure) {
                throw new RejectedModelException(
                        n.name() + " does not load and run in ONNX Runtime", List.of(n.of(failure.getMessage())));
            } catch (SessionMemoryProbe.ProbeError error) {
                LOG.warnf("isolated check of an upload failed (%s); checking it in process", error.getMessage());
            }
        });
    }

    /**
     * Checks, registers and compiles {@code bytes}.
     *
     * @throws NotOnnxException when the bytes are not ONNX protobuf
     * @throws RejectedModelException when the model fails the checker, does not load or does not fit the snapshot
     * @throws CompilationFailure when the snapshot does not exist (NOT_FOUND in the cause) or the registry refuses
     * @throws PeerUnavailableException when a peer stays unavailable
     */
    public Uploaded upload(String modelName, String datasetName, int datasetVersion, byte[] bytes) {
        return upload(modelName, datasetName, datasetVersion, bytes, ModelIo.AUTO);
    }

    /**
     * How messages name the upload: the staged file's path and name become {@code model '<name>'}.
     *
     * @param name {@code model '<name>'}
     * @param file the staged file
     */
    record Naming(String name, Path file) {
        String of(String message) {
            String m = message == null ? "" : message;
            return m.replace(file.toAbsolutePath().toString(), name)
                    .replace(file.toString(), name)
                    .replace(file.getParent().toAbsolutePath().toString(), name)
                    .replace(file.getFileName().toString(), name);
        }
    }

    /**
     * Checks, registers and compiles {@code bytes}, feeding it as {@code io} declares (see {@link IoPlan}).
     *
     * @throws NotOnnxException when the bytes are not ONNX protobuf
     * @throws RejectedModelException when the model fails the checker, does not load or does not fit the snapshot;
     *     every problem names the model, never the staged file
     * @throws CompilationFailure when the snapshot does not exist (NOT_FOUND in the cause) or the registry refuses
     * @throws PeerUnavailableException when a peer stays unavailable
     */
    public Uploaded upload(String modelName, String datasetName, int datasetVersion, byte[] bytes, ModelIo io) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new NotOnnxException("the body is not an ONNX model (protobuf ModelProto): " + e.getMessage(), e);
        }
        List<String> problems = OnnxChecker.check(model);
        String display = "model '" + modelName + "'";
        if (!problems.isEmpty()) {
            throw new RejectedModelException(display + " fails the ONNX checker", problems);
        }
        SnapshotInfo snapshot = datasets.snapshot(datasetName, datasetVersion);
        ValidationSet data = datasets.validationSplit(
                datasetName, datasetVersion, config.validation().maxSamples());
        Path dir = null;
        try {
            Path root = CompilationService.workRoot(config);
            Files.createDirectories(root);
            dir = Files.createTempDirectory(root, "upload-");
            Path file = dir.resolve(modelName + ".onnx");
            Files.write(file, bytes);
            Naming naming = new Naming(display, file);
            probeInIsolation(file, model, data, io, naming);
            ModelEvaluation e;
            int classes = snapshot.getClassLabelsCount();
            try {
                e = precheck.evaluate(file, data, SessionOptions.OptLevel.NO_OPT, false, io, classes);
            } catch (CompilationFailure failure) {
                throw new RejectedModelException(
                        display + " does not run on snapshot " + snapshot.getSnapshotId(),
                        List.of(naming.of(failure.getMessage())));
            }
            if (e.classification() && classes > 0 && e.classCount() != classes) {
                throw new RejectedModelException(
                        display + " does not fit snapshot " + snapshot.getSnapshotId(),
                        List.of(display + " outputs " + e.classCount() + " classes, the snapshot has " + classes));
            }
            List<String> labels = e.classification() ? snapshot.getClassLabelsList() : List.of();
            String sha = Hashing.sha256Hex(file);
            registry.upload(file, sha, VariantTarget.CPU_FP32_ORTOPT.mediaType());
            String correlation = UUID.randomUUID().toString();
            ModelVersion version = registry.registerVersion(RegisterVersionRequest.newBuilder()
                    .setModelName(modelName)
                    .setArtifactSha256(sha)
                    .setLineage(Lineage.newBuilder()
                            .setDatasetName(datasetName)
                            .setDatasetVersion(snapshot.getVersion())
                            .setSnapshotId(snapshot.getSnapshotId())
                            .setCorrelationId(correlation))
                    .addAllClassLabels(labels)
                    .setFeatureCount(data.featureCount())
                    .setArchitecture("uploaded")
                    .putMetrics("validation_accuracy", e.accuracy())
                    .putTags("output_kind", IoPlan.outputKind(e.outputTensors(), labels.size()))
                    .putTags("source", "upload")
                    .putTags("producer", model.getProducerName())
                    .putAllTags(io.tags())
                    .setIdempotencyKey("upload:" + modelName + ":" + sha + ":" + snapshot.getSnapshotId())
                    .build());
            String lineageCorrelation = version.getLineage().getCorrelationId().isBlank()
                    ? correlation
                    : version.getLineage().getCorrelationId();
            CompileJob job = new CompileJob(
                    modelName,
                    version.getVersion(),
                    sha,
                    datasetName,
                    snapshot.getVersion(),
                    snapshot.getSnapshotId(),
                    labels,
                    null,
                    lineageCorrelation,
                    true,
                    io);
            return new Uploaded(version, compilations.compile(job).orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the upload", e);
        } finally {
            CompilationService.deleteTree(dir);
        }
    }
}
