package io.edgeloop.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgeloop.common.SensorSimulator;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dataset double's snapshots and streams, over a real gRPC transport on the loopback interface. */
class InMemoryDatasetServiceTest {
    /** Generates dataset "sensor" versions 1 to 3: 30 train, 10 validation, 5 test samples, seeded by version. */
    final InMemoryDatasetService datasets = new InMemoryDatasetService(ref ->
            "sensor".equals(ref.getDatasetName()) && ref.getVersion() >= 1 && ref.getVersion() <= 3
                    ? Optional.of(new InMemoryDatasetService.Snapshot(
                            SensorSamples.info("sensor", ref.getVersion(), 30, 10, 5)
                                    .build(),
                            () -> SensorSamples.generate(ref.getVersion(), 30, 10, 5)))
                    : Optional.empty());

    final LoopbackGrpc grpc = new LoopbackGrpc(datasets);
    final DatasetServiceGrpc.DatasetServiceBlockingStub stub =
            DatasetServiceGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);

    @AfterEach
    void close() throws InterruptedException {
        grpc.close();
    }

    static SnapshotRef ref(String name, int version) {
        return SnapshotRef.newBuilder().setDatasetName(name).setVersion(version).build();
    }

    List<SampleBatch> stream(SnapshotRef ref, int batchSize, Split... splits) {
        List<SampleBatch> batches = new ArrayList<>();
        stub.streamSnapshot(StreamSnapshotRequest.newBuilder()
                        .setSnapshot(ref)
                        .setBatchSize(batchSize)
                        .addAllSplits(List.of(splits))
                        .build())
                .forEachRemaining(batches::add);
        return batches;
    }

    static List<Sample> samples(List<SampleBatch> batches) {
        return batches.stream().flatMap(b -> b.getSamplesList().stream()).toList();
    }

    @Test
    void generatedSnapshotsStreamTheRequestedSplitsInBatches() {
        SnapshotInfo info = stub.getSnapshot(ref("sensor", 2));
        assertEquals("sensor@v2", info.getSnapshotId());
        assertEquals(
                List.of(30L, 10L, 5L), List.of(info.getTrainCount(), info.getValidationCount(), info.getTestCount()));
        assertEquals(SensorSimulator.featureCount(), info.getFeatureCount());

        List<SampleBatch> train = stream(ref("sensor", 2), 8, Split.TRAIN);
        assertEquals(
                List.of(8, 8, 8, 6),
                train.stream().map(SampleBatch::getSamplesCount).toList());
        List<Sample> all = samples(stream(ref("sensor", 2), 0));
        assertEquals(45, all.size(), "no split named: every split, one default-size batch");
        assertEquals(samples(train), all.subList(0, 30));
        assertEquals("s-00030", all.get(30).getSampleId());
        assertEquals(Split.VALIDATION, all.get(30).getSplit());
        assertEquals(all, samples(stream(ref("sensor", 2), 7)), "the same snapshot streams the same samples");
        assertEquals(SensorSamples.generate(2, 30, 10, 5).toList(), all);
        assertEquals(3, datasets.streams("sensor"));
        assertEquals(3, datasets.streamRequests().size());
    }

    @Test
    void putSnapshotsAreDescribedByTheirSamplesAndVersionZeroIsTheLatest() {
        List<Sample> samples = SensorSamples.generate(7, 4, 2, 0).toList();
        datasets.put("fixed", 1, SensorSimulator.LABELS, samples.subList(0, 3));
        datasets.put("fixed", 2, SensorSimulator.LABELS, samples);
        SnapshotInfo latest = stub.getSnapshot(ref("fixed", 0));
        assertEquals(2, latest.getVersion());
        assertEquals(4, latest.getTrainCount());
        assertEquals(2, latest.getValidationCount());
        assertEquals(SensorSimulator.LABELS, latest.getClassLabelsList());
        assertEquals(samples.subList(4, 6), samples(stream(ref("fixed", 2), 1, Split.VALIDATION)));
        assertEquals(3, samples(stream(ref("fixed", 1), 0)).size());
    }

    @Test
    void unknownSnapshotsAreNotFoundAndBadRequestsInvalid() {
        assertEquals(Status.Code.NOT_FOUND, error(() -> stub.getSnapshot(ref("sensor", 4))));
        assertEquals(Status.Code.NOT_FOUND, error(() -> stream(ref("other", 1), 0)));
        assertEquals(Status.Code.INVALID_ARGUMENT, error(() -> stub.getSnapshot(ref("sensor", -1))));
        assertEquals(Status.Code.INVALID_ARGUMENT, error(() -> stream(ref("sensor", 1), -5)));
        assertEquals(0, datasets.streams("sensor"), "failed streams are not counted");
        assertEquals(2, datasets.streamRequests().size(), "but recorded");

        datasets.faults().failNext(DatasetServiceGrpc.getStreamSnapshotMethod(), 1, Status.UNAVAILABLE);
        assertEquals(Status.Code.UNAVAILABLE, error(() -> stream(ref("sensor", 1), 0)));
        assertEquals(45, samples(stream(ref("sensor", 1), 0)).size());
    }

    static Status.Code error(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
    }
}
