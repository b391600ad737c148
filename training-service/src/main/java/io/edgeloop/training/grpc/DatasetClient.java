package io.edgeloop.training.grpc;

import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.edgeloop.training.config.TrainingConfig;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainingData;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads dataset snapshots from data-service ({@code DatasetService}, gRPC client {@code dataset}). */
@ApplicationScoped
public class DatasetClient {
    @GrpcClient("dataset")
    DatasetServiceGrpc.DatasetServiceBlockingStub stub;

    @Inject
    GrpcRetry retry;

    @Inject
    TrainingConfig config;

    /**
     * Metadata of a snapshot.
     *
     * @param version 0 = latest
     * @throws SnapshotNotFoundException when data-service answers NOT_FOUND
     */
    public SnapshotInfo snapshot(String datasetName, int version) {
        SnapshotRef ref = SnapshotRef.newBuilder()
                .setDatasetName(datasetName)
                .setVersion(version)
                .build();
        try {
            return retry.call(
                    "GetSnapshot " + datasetName + "@v" + version,
                    () -> stub.withDeadlineAfter(config.grpcDeadline().toMillis(), TimeUnit.MILLISECONDS)
                            .getSnapshot(ref));
        } catch (RuntimeException e) {
            if (GrpcRetry.code(e) == Status.Code.NOT_FOUND) {
                throw new SnapshotNotFoundException(
                        "snapshot " + datasetName + (version == 0 ? " (latest)" : "@v" + version) + " does not exist",
                        e);
            }
            throw e;
        }
    }

    /**
     * Streams all samples of the snapshot and splits them. The whole stream is retried on transient failures (the
     * server's order is deterministic).
     *
     * @throws IllegalStateException when the samples contradict the snapshot's metadata
     */
    public TrainingData fetch(SnapshotInfo info) {
        StreamSnapshotRequest request = StreamSnapshotRequest.newBuilder()
                .setSnapshot(SnapshotRef.newBuilder()
                        .setDatasetName(info.getDatasetName())
                        .setVersion(info.getVersion()))
                .addSplits(Split.TRAIN)
                .addSplits(Split.VALIDATION)
                .addSplits(Split.TEST)
                .setBatchSize(config.fetchBatchSize())
                .build();
        Map<Split, List<Sample>> bySplit = retry.call("StreamSnapshot " + info.getSnapshotId(), () -> {
            Map<Split, List<Sample>> out = new EnumMap<>(Split.class);
            for (Split s : List.of(Split.TRAIN, Split.VALIDATION, Split.TEST)) {
                out.put(s, new ArrayList<>());
            }
            Iterator<SampleBatch> it = stub.withDeadlineAfter(
                            config.grpcDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .streamSnapshot(request);
            while (it.hasNext()) {
                for (Sample sample : it.next().getSamplesList()) {
                    List<Sample> list = out.get(sample.getSplit());
                    if (list == null) {
                        throw new IllegalStateException(
                                "sample " + sample.getSampleId() + " has split " + sample.getSplit());
                    }
                    list.add(sample);
                }
            }
            return out;
        });
        checkCount(info, Split.TRAIN, info.getTrainCount(), bySplit);
        checkCount(info, Split.VALIDATION, info.getValidationCount(), bySplit);
        checkCount(info, Split.TEST, info.getTestCount(), bySplit);
        return new TrainingData(
                toSplit(bySplit.get(Split.TRAIN), info),
                toSplit(bySplit.get(Split.VALIDATION), info),
                toSplit(bySplit.get(Split.TEST), info),
                info.getClassLabelsList(),
                info.getFeatureCount());
    }

    private static void checkCount(SnapshotInfo info, Split split, long expected, Map<Split, List<Sample>> got) {
        int n = got.get(split).size();
        if (n != expected) {
            throw new IllegalStateException("snapshot " + info.getSnapshotId() + " announced " + expected + " " + split
                    + " samples but streamed " + n);
        }
    }

    private static SplitData toSplit(List<Sample> samples, SnapshotInfo info) {
        float[][] x = new float[samples.size()][];
        int[] y = new int[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            float[] f = new float[s.getFeaturesCount()];
            for (int j = 0; j < f.length; j++) {
                f[j] = s.getFeatures(j);
            }
            x[i] = f;
            y[i] = s.getLabelIndex();
            int li = s.getLabelIndex();
            if (li >= 0
                    && li < info.getClassLabelsCount()
                    && !s.getLabel().isEmpty()
                    && !s.getLabel().equals(info.getClassLabels(li))) {
                throw new IllegalStateException("sample " + s.getSampleId() + " has label '" + s.getLabel()
                        + "' but label index " + li + " is '" + info.getClassLabels(li) + "'");
            }
        }
        return new SplitData(x, y);
    }
}
