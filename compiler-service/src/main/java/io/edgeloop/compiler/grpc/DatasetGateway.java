package io.edgeloop.compiler.grpc;

import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.CompilationFailure;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.proto.data.v1.CapturedPage;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.ListCapturedRequest;
import io.edgeloop.proto.data.v1.RescoreRequest;
import io.edgeloop.proto.data.v1.RescoreResult;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.edgeloop.proto.data.v1.SuggestionServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The data service's DatasetService (snapshot metadata and splits) and SuggestionService (captured inputs waiting
 * for a label, and their re-scored suggestions).
 */
@ApplicationScoped
public class DatasetGateway {
    @GrpcClient("dataset")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @GrpcClient("dataset")
    SuggestionServiceGrpc.SuggestionServiceBlockingStub suggestions;

    @Inject
    GrpcCalls calls;

    @Inject
    CompilerConfig config;

    /**
     * The VALIDATION samples of snapshot {@code datasetName@v<version>}, at most {@code maxSamples} (the first ones
     * in the service's deterministic order).
     *
     * @throws CompilationFailure when the snapshot does not exist, has no validation samples or is inconsistent
     */
    /**
     * Metadata of snapshot {@code datasetName@v<version>} (class labels, feature count).
     *
     * @throws CompilationFailure with the gRPC status in its cause (NOT_FOUND when there is no such snapshot)
     */
    public SnapshotInfo snapshot(String datasetName, int version) {
        return calls.call(
                "dataset GetSnapshot " + datasetName + "@v" + version,
                () -> datasets.withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .getSnapshot(SnapshotRef.newBuilder()
                                .setDatasetName(datasetName)
                                .setVersion(version)
                                .build()));
    }

    public ValidationSet validationSplit(String datasetName, int version, int maxSamples) {
        return split(datasetName, version, Split.VALIDATION, maxSamples);
    }

    /**
     * The samples of one split of snapshot {@code datasetName@v<version>}, at most {@code maxSamples}.
     *
     * @throws CompilationFailure when the snapshot does not exist, has no samples in that split or is inconsistent
     */
    public ValidationSet split(String datasetName, int version, Split split, int maxSamples) {
        return calls.call(
                "dataset StreamSnapshot " + datasetName + "@v" + version + " " + split,
                () -> fetch(datasetName, version, split, maxSamples));
    }

    private ValidationSet fetch(String datasetName, int version, Split split, int maxSamples) {
        List<float[]> features = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        String snapshot = datasetName + "@v" + version;
        Iterator<SampleBatch> it = datasets.withDeadlineAfter(
                        config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                .streamSnapshot(StreamSnapshotRequest.newBuilder()
                        .setSnapshot(SnapshotRef.newBuilder()
                                .setDatasetName(datasetName)
                                .setVersion(version))
                        .addSplits(split)
                        .build());
        // read to the end even past maxSamples: cancelling through io.grpc.Context is unreliable on
        // Quarkus' Vert.x context storage, and the stream is bounded by the deadline
        while (it.hasNext()) {
            for (Sample s : it.next().getSamplesList()) {
                if (s.getSplit() != split || features.size() >= maxSamples) {
                    continue;
                }
                if (!features.isEmpty() && s.getFeaturesCount() != features.get(0).length) {
                    throw new CompilationFailure("snapshot " + snapshot + " sample " + s.getSampleId() + " has "
                            + s.getFeaturesCount() + " features, earlier samples "
                            + features.get(0).length);
                }
                if (s.getLabelIndex() < 0) {
                    throw new CompilationFailure(
                            "snapshot " + snapshot + " sample " + s.getSampleId() + " has no label");
                }
                float[] f = new float[s.getFeaturesCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = s.getFeatures(i);
                }
                features.add(f);
                labels.add(s.getLabelIndex());
            }
        }
        if (features.isEmpty()) {
            throw new CompilationFailure(
                    "snapshot " + snapshot + " has no " + split.name().toLowerCase(java.util.Locale.ROOT) + " samples");
        }
        return new ValidationSet(
                features.toArray(float[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * A page of the captured inputs of {@code model} in {@code dataset} not yet scored by {@code version}.
     *
     * @throws CompilationFailure with the gRPC status in its cause on a permanent error
     */
    public CapturedPage captured(String dataset, String model, int version, String after, int pageSize) {
        return calls.call(
                "dataset ListCaptured " + dataset + " " + model,
                () -> suggestions
                        .withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .listCaptured(ListCapturedRequest.newBuilder()
                                .setDatasetName(dataset)
                                .setModelName(model)
                                .setNotScoredByVersion(version)
                                .setAfterSampleId(after)
                                .setPageSize(pageSize)
                                .build()));
    }

    /**
     * Replaces suggestions with {@code request}'s predictions.
     *
     * @throws CompilationFailure with the gRPC status in its cause on a permanent error
     */
    public RescoreResult rescore(RescoreRequest request) {
        return calls.call(
                "dataset Rescore " + request.getDatasetName() + " " + request.getModelName(),
                () -> suggestions
                        .withDeadlineAfter(config.grpc().deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .rescore(request));
    }
}
