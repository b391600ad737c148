package io.edgeloop.data.grpc;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.domain.DatasetCatalog;
import io.edgeloop.data.domain.DatasetNames;
import io.edgeloop.data.domain.SnapshotService;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.SnapshotEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * gRPC {@code edgeloop.data.v1.DatasetService}: snapshot metadata and the snapshot's samples streamed in batches,
 * ordered by sample id, straight from a database cursor.
 */
@GrpcService
@RolesAllowed(Roles.VIEWER)
public class DatasetGrpcService extends DatasetServiceGrpc.DatasetServiceImplBase {
    private static final Logger LOG = Logger.getLogger(DatasetGrpcService.class);
    /** A slow consumer may hold the read cursor this long. */
    private static final int STREAM_TX_TIMEOUT_S = 900;

    private static final Set<Split> REAL_SPLITS = EnumSet.of(Split.TRAIN, Split.VALIDATION, Split.TEST);

    @Inject
    SnapshotService snapshots;

    @Inject
    SampleStore store;

    @Inject
    DataConfig config;

    @Override
    @Blocking
    public void getSnapshot(SnapshotRef request, StreamObserver<SnapshotInfo> responseObserver) {
        try {
            SnapshotEntity s = resolve(request);
            responseObserver.onNext(info(s, snapshots.datasetOf(s)));
            responseObserver.onCompleted();
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
        }
    }

    @Override
    @Blocking
    public void streamSnapshot(StreamSnapshotRequest request, StreamObserver<SampleBatch> responseObserver) {
        try {
            if (!request.hasSnapshot()) {
                throw invalid("snapshot is required");
            }
            int batchSize = request.getBatchSize();
            if (batchSize < 0 || batchSize > config.stream().maxBatchSize()) {
                throw invalid("batch_size must be 0 (default " + config.stream().defaultBatchSize() + ") to "
                        + config.stream().maxBatchSize() + ", got " + batchSize);
            }
            int size = batchSize == 0 ? config.stream().defaultBatchSize() : batchSize;
            Set<Split> wanted = EnumSet.noneOf(Split.class);
            for (Split s : request.getSplitsList()) {
                if (!REAL_SPLITS.contains(s)) {
                    throw invalid("splits may contain TRAIN, VALIDATION, TEST; got " + s);
                }
                wanted.add(s);
            }
            if (wanted.isEmpty()) {
                wanted = REAL_SPLITS;
            }
            short[] codes = new short[wanted.size()];
            int k = 0;
            for (Split s : wanted) {
                codes[k++] = (short) s.getNumber();
            }
            SnapshotEntity snapshot = resolve(request.getSnapshot());
            List<String> labels = List.of(snapshot.labels);
            ServerCallStreamObserver<SampleBatch> call = call(responseObserver);
            long[] sent = {0};
            List<Sample> batch = new ArrayList<>(size);
            QuarkusTransaction.requiringNew()
                    .timeout(STREAM_TX_TIMEOUT_S)
                    .run(() -> store.streamMembers(snapshot.id, codes, size, row -> {
                        batch.add(Sample.newBuilder()
                                .setSampleId(row.id())
                                .addAllFeatures(boxed(row.features()))
                                .setLabelIndex(row.labelIndex())
                                .setLabel(labels.get(row.labelIndex()))
                                .setSplit(Split.forNumber(row.split()))
                                .build());
                        if (batch.size() == size) {
                            send(call, responseObserver, batch);
                            sent[0] += size;
                        }
                    }));
            if (!batch.isEmpty()) {
                sent[0] += batch.size();
                send(call, responseObserver, batch);
            }
            LOG.debugf(
                    "streamed %d samples of %s (splits %s)",
                    sent[0], SnapshotService.snapshotId(snapshot.datasetName, snapshot.version), wanted);
            responseObserver.onCompleted();
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
        } catch (RuntimeException e) {
            if (call(responseObserver) != null && call(responseObserver).isCancelled()) {
                LOG.debugf("snapshot stream cancelled by the client: %s", e.toString());
                return;
            }
            LOG.error("streaming snapshot failed", e);
            responseObserver.onError(Status.INTERNAL
                    .withDescription("streaming failed: " + e.getMessage())
                    .asRuntimeException());
        }
    }

    /** Sends one batch, waiting (bounded by cancellation) while the transport's buffer is full. */
    private static void send(
            ServerCallStreamObserver<SampleBatch> call, StreamObserver<SampleBatch> observer, List<Sample> batch) {
        if (call != null) {
            while (!call.isReady()) {
                if (call.isCancelled()) {
                    throw Status.CANCELLED
                            .withDescription("client cancelled the stream")
                            .asRuntimeException();
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
        observer.onNext(SampleBatch.newBuilder().addAllSamples(batch).build());
        batch.clear();
    }

    private SnapshotEntity resolve(SnapshotRef ref) {
        if (!DatasetNames.isValid(ref.getDatasetName())) {
            throw invalid("dataset_name '" + ref.getDatasetName() + "' is not a valid dataset name ("
                    + DatasetNames.PATTERN.pattern() + ")");
        }
        if (ref.getVersion() < 0) {
            throw invalid("version must be >= 0 (0 = latest), got " + ref.getVersion());
        }
        try {
            return snapshots.get(ref.getDatasetName(), ref.getVersion());
        } catch (ApiException e) {
            throw GrpcProblems.status(e);
        }
    }

    private static SnapshotInfo info(SnapshotEntity s, DatasetEntity dataset) {
        return SnapshotInfo.newBuilder()
                .setDatasetName(s.datasetName)
                .setVersion(s.version)
                .setSnapshotId(SnapshotService.snapshotId(s.datasetName, s.version))
                .setContentHash(s.contentHash)
                .setFeatureCount(s.featureCount)
                .addAllClassLabels(List.of(s.labels))
                .setTrainCount(s.trainCount)
                .setValidationCount(s.validationCount)
                .setTestCount(s.testCount)
                .setCreatedAt(ProtoTime.of(s.createdAt))
                .setDataKind(DatasetCatalog.dataKind(dataset))
                .addAllSampleShape(DatasetCatalog.sampleShape(dataset))
                .setSampleRateHz(dataset.sampleRateHz == null ? 0 : dataset.sampleRateHz)
                .build();
    }

    private static List<Float> boxed(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    private static ServerCallStreamObserver<SampleBatch> call(StreamObserver<SampleBatch> observer) {
        return observer instanceof ServerCallStreamObserver<SampleBatch> c ? c : null;
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
