package io.edgeloop.monitoring.it;

import io.edgeloop.common.SensorSimulator;
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
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of data-service's DatasetService: dataset {@value #DATASET} versions 1 and 2, each
 * {@value #TRAIN_ROWS} TRAIN and {@value #VALIDATION_ROWS} VALIDATION samples from the undrifted
 * {@link SensorSimulator} (seed = version). Anything else is NOT_FOUND.
 */
@GrpcService
public class FakeDatasetService extends DatasetServiceGrpc.DatasetServiceImplBase {
    static final String DATASET = "vibration";
    static final int TRAIN_ROWS = 1500;
    static final int VALIDATION_ROWS = 300;

    /** Every StreamSnapshot request received. */
    static final List<StreamSnapshotRequest> REQUESTS = new CopyOnWriteArrayList<>();

    @Override
    public void getSnapshot(SnapshotRef request, StreamObserver<SnapshotInfo> responseObserver) {
        if (!exists(request)) {
            responseObserver.onError(notFound(request));
            return;
        }
        responseObserver.onNext(SnapshotInfo.newBuilder()
                .setDatasetName(DATASET)
                .setVersion(request.getVersion())
                .setSnapshotId(DATASET + "@v" + request.getVersion())
                .setFeatureCount(SensorSimulator.featureCount())
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(TRAIN_ROWS)
                .setValidationCount(VALIDATION_ROWS)
                .build());
        responseObserver.onCompleted();
    }

    @Override
    public void streamSnapshot(StreamSnapshotRequest request, StreamObserver<SampleBatch> responseObserver) {
        REQUESTS.add(request);
        if (!exists(request.getSnapshot())) {
            responseObserver.onError(notFound(request.getSnapshot()));
            return;
        }
        List<Split> splits = request.getSplitsList();
        int batchSize = request.getBatchSize() > 0 ? request.getBatchSize() : 256;
        SensorSimulator sim = new SensorSimulator(request.getSnapshot().getVersion());
        SampleBatch.Builder batch = SampleBatch.newBuilder();
        for (int i = 0; i < TRAIN_ROWS + VALIDATION_ROWS; i++) {
            Split split = i < TRAIN_ROWS ? Split.TRAIN : Split.VALIDATION;
            SensorSimulator.Reading reading = sim.next();
            if (!splits.isEmpty() && !splits.contains(split)) {
                continue;
            }
            Sample.Builder s = Sample.newBuilder()
                    .setSampleId(String.format("s-%05d", i))
                    .setLabelIndex(reading.labelIndex())
                    .setLabel(reading.label())
                    .setSplit(split);
            for (float f : reading.features()) {
                s.addFeatures(f);
            }
            batch.addSamples(s);
            if (batch.getSamplesCount() == batchSize) {
                responseObserver.onNext(batch.build());
                batch.clear();
            }
        }
        if (batch.getSamplesCount() > 0) {
            responseObserver.onNext(batch.build());
        }
        responseObserver.onCompleted();
    }

    private static boolean exists(SnapshotRef ref) {
        return DATASET.equals(ref.getDatasetName()) && (ref.getVersion() == 1 || ref.getVersion() == 2);
    }

    private static RuntimeException notFound(SnapshotRef ref) {
        return Status.NOT_FOUND
                .withDescription("no snapshot " + ref.getDatasetName() + " v" + ref.getVersion())
                .asRuntimeException();
    }
}
