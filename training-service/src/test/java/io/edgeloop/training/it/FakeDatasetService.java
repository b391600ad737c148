package io.edgeloop.training.it;

import io.edgeloop.common.Hashing;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of data-service's DatasetService: datasets the test defines, each version a deterministic sample of
 * {@link SensorSimulator} readings (400 train, 100 validation, 100 test).
 */
@GrpcService
public class FakeDatasetService extends DatasetServiceGrpc.DatasetServiceImplBase {
    static final int TRAIN = 400;
    static final int VALIDATION = 100;
    static final int TEST = 100;
    /** Latest version per defined dataset. */
    static final Map<String, Integer> LATEST = new ConcurrentHashMap<>();
    /** Datasets whose StreamSnapshot waits until the test opens the gate. */
    static final Map<String, java.util.concurrent.CountDownLatch> GATES = new ConcurrentHashMap<>();
    /** StreamSnapshot calls per dataset. */
    static final Map<String, AtomicInteger> STREAMS = new ConcurrentHashMap<>();

    /** Data kind and sample shape per dataset that declares one (others send neither, like an older data-service). */
    static final Map<String, Map.Entry<String, java.util.List<Integer>>> LAYOUTS = new ConcurrentHashMap<>();

    static void define(String name, int latestVersion) {
        LATEST.put(name, latestVersion);
    }

    static void define(String name, int latestVersion, String dataKind, java.util.List<Integer> sampleShape) {
        LAYOUTS.put(name, Map.entry(dataKind, sampleShape));
        define(name, latestVersion);
    }

    static int streams(String name) {
        AtomicInteger n = STREAMS.get(name);
        return n == null ? 0 : n.get();
    }

    static String contentHash(String name, int version) {
        return Hashing.sha256Hex((name + "@v" + version + "/" + TRAIN + "/" + VALIDATION + "/" + TEST).getBytes());
    }

    @Override
    public void getSnapshot(SnapshotRef request, StreamObserver<SnapshotInfo> response) {
        SnapshotInfo info;
        try {
            info = resolve(request);
        } catch (io.grpc.StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        response.onNext(info);
        response.onCompleted();
    }

    @Override
    @io.smallrye.common.annotation.Blocking // a gated stream waits: keep it off the event loop
    public void streamSnapshot(StreamSnapshotRequest request, StreamObserver<SampleBatch> response) {
        SnapshotInfo info;
        try {
            info = resolve(request.getSnapshot());
        } catch (io.grpc.StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        STREAMS.computeIfAbsent(info.getDatasetName(), k -> new AtomicInteger()).incrementAndGet();
        java.util.concurrent.CountDownLatch gate = GATES.get(info.getDatasetName());
        if (gate != null) {
            try {
                gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int batchSize = request.getBatchSize() > 0 ? request.getBatchSize() : 256;
        SensorSimulator sim = new SensorSimulator(info.getSnapshotId().hashCode());
        SampleBatch.Builder batch = SampleBatch.newBuilder();
        int total = TRAIN + VALIDATION + TEST;
        for (int i = 0; i < total; i++) {
            SensorSimulator.Reading r = sim.next();
            Split split = i < TRAIN ? Split.TRAIN : i < TRAIN + VALIDATION ? Split.VALIDATION : Split.TEST;
            Sample.Builder s = Sample.newBuilder()
                    .setSampleId(String.format("s-%05d", i))
                    .setLabelIndex(r.labelIndex())
                    .setLabel(r.label())
                    .setSplit(split);
            for (float f : r.features()) {
                s.addFeatures(f);
            }
            if (request.getSplitsCount() == 0 || request.getSplitsList().contains(split)) {
                batch.addSamples(s);
            }
            if (batch.getSamplesCount() == batchSize) {
                response.onNext(batch.build());
                batch = SampleBatch.newBuilder();
            }
        }
        if (batch.getSamplesCount() > 0) {
            response.onNext(batch.build());
        }
        response.onCompleted();
    }

    private static SnapshotInfo resolve(SnapshotRef ref) {
        Integer latest = LATEST.get(ref.getDatasetName());
        if (ref.getVersion() < 0) {
            throw Status.INVALID_ARGUMENT.withDescription("negative version").asRuntimeException();
        }
        if (latest == null || ref.getVersion() > latest) {
            throw Status.NOT_FOUND
                    .withDescription("no snapshot " + ref.getDatasetName() + "@v" + ref.getVersion())
                    .asRuntimeException();
        }
        int version = ref.getVersion() == 0 ? latest : ref.getVersion();
        SnapshotInfo.Builder info = SnapshotInfo.newBuilder();
        Map.Entry<String, java.util.List<Integer>> layout = LAYOUTS.get(ref.getDatasetName());
        if (layout != null) {
            info.setDataKind(layout.getKey()).addAllSampleShape(layout.getValue());
        }
        return info.setDatasetName(ref.getDatasetName())
                .setVersion(version)
                .setSnapshotId(ref.getDatasetName() + "@v" + version)
                .setContentHash(contentHash(ref.getDatasetName(), version))
                .setFeatureCount(SensorSimulator.featureCount())
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(TRAIN)
                .setValidationCount(VALIDATION)
                .setTestCount(TEST)
                .build();
    }
}
