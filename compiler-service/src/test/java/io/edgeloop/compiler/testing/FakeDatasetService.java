package io.edgeloop.compiler.testing;

import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory double of the data service's DatasetService: snapshots set up by tests, streamed in batches. */
@GrpcService
public class FakeDatasetService extends DatasetServiceGrpc.DatasetServiceImplBase {
    private final Map<String, List<Sample>> snapshots = new ConcurrentHashMap<>();

    public void put(String datasetName, int version, List<Sample> samples) {
        snapshots.put(datasetName + "@v" + version, List.copyOf(samples));
    }

    @Override
    public void getSnapshot(SnapshotRef r, StreamObserver<SnapshotInfo> out) {
        List<Sample> samples = snapshots.get(r.getDatasetName() + "@v" + r.getVersion());
        if (samples == null) {
            out.onError(Status.NOT_FOUND.withDescription("no such snapshot").asRuntimeException());
            return;
        }
        SnapshotInfo.Builder info = SnapshotInfo.newBuilder()
                .setDatasetName(r.getDatasetName())
                .setVersion(r.getVersion())
                .setSnapshotId(r.getDatasetName() + "@v" + r.getVersion())
                .setFeatureCount(samples.isEmpty() ? 0 : samples.get(0).getFeaturesCount())
                .addAllClassLabels(io.edgeloop.common.SensorSimulator.LABELS);
        for (Sample s : samples) {
            switch (s.getSplit()) {
                case TRAIN -> info.setTrainCount(info.getTrainCount() + 1);
                case VALIDATION -> info.setValidationCount(info.getValidationCount() + 1);
                default -> info.setTestCount(info.getTestCount() + 1);
            }
        }
        out.onNext(info.build());
        out.onCompleted();
    }

    @Override
    public void streamSnapshot(StreamSnapshotRequest r, StreamObserver<SampleBatch> out) {
        List<Sample> samples = snapshots.get(
                r.getSnapshot().getDatasetName() + "@v" + r.getSnapshot().getVersion());
        if (samples == null) {
            out.onError(Status.NOT_FOUND.withDescription("no such snapshot").asRuntimeException());
            return;
        }
        List<Split> splits = r.getSplitsList();
        int batch = r.getBatchSize() > 0 ? r.getBatchSize() : 256;
        SampleBatch.Builder b = SampleBatch.newBuilder();
        for (Sample s : samples) {
            if (!splits.isEmpty() && !splits.contains(s.getSplit())) {
                continue;
            }
            b.addSamples(s);
            if (b.getSamplesCount() == batch) {
                out.onNext(b.build());
                b = SampleBatch.newBuilder();
            }
        }
        if (b.getSamplesCount() > 0) {
            out.onNext(b.build());
        }
        out.onCompleted();
    }
}
