package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gRPC DatasetService against a real snapshot. */
@QuarkusTest
class DatasetGrpcTest {
    private static final String DS = "grpc-stream";

    @GrpcClient("self")
    DatasetServiceGrpc.DatasetServiceBlockingStub grpc;

    private static final Map<String, TestSupport.Gen> SENT = new HashMap<>();
    private static JsonPath snapshot;

    /** Once per class, but after Quarkus has pointed rest-assured at the test port (not yet in @BeforeAll). */
    @BeforeEach
    void snapshotOf500Samples() {
        if (snapshot != null) {
            return;
        }
        TestSupport.createDataset(DS, 5);
        List<TestSupport.Gen> samples = TestSupport.generate(500, 5, 42);
        TestSupport.ingest(DS, samples, 500);
        samples.forEach(g -> SENT.put(TestSupport.sampleId(DS, g.features(), g.label()), g));
        snapshot = given().post("/datasets/" + DS + "/snapshots")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    private static StreamSnapshotRequest.Builder request(int version) {
        return StreamSnapshotRequest.newBuilder()
                .setSnapshot(SnapshotRef.newBuilder().setDatasetName(DS).setVersion(version));
    }

    private static List<SampleBatch> drain(Iterator<SampleBatch> it) {
        List<SampleBatch> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void getSnapshotMatchesTheRestView() {
        SnapshotInfo info = grpc.getSnapshot(
                SnapshotRef.newBuilder().setDatasetName(DS).setVersion(0).build());
        assertEquals(1, info.getVersion());
        assertEquals(DS + "@v1", info.getSnapshotId());
        assertEquals(snapshot.getString("contentHash"), info.getContentHash());
        assertEquals(5, info.getFeatureCount());
        assertEquals("features", info.getDataKind());
        assertEquals(List.of(5), info.getSampleShapeList());
        assertEquals(TestSupport.LABELS, info.getClassLabelsList());
        assertEquals(snapshot.getLong("trainCount"), info.getTrainCount());
        assertEquals(snapshot.getLong("validationCount"), info.getValidationCount());
        assertEquals(snapshot.getLong("testCount"), info.getTestCount());
        assertEquals(Instant.parse(snapshot.getString("createdAt")), ProtoTime.toInstant(info.getCreatedAt()));
    }

    @Test
    void streamsEverySampleOfTheRequestedSplitsInIdOrder() {
        List<SampleBatch> batches = drain(grpc.streamSnapshot(
                request(1).addSplits(Split.TRAIN).setBatchSize(64).build()));
        List<Sample> samples =
                batches.stream().flatMap(b -> b.getSamplesList().stream()).toList();
        assertEquals(snapshot.getLong("trainCount"), samples.size());
        for (int i = 0; i < batches.size() - 1; i++) {
            assertEquals(64, batches.get(i).getSamplesCount());
        }
        assertTrue(batches.get(batches.size() - 1).getSamplesCount() <= 64);
        String previous = "";
        for (Sample s : samples) {
            assertTrue(s.getSampleId().compareTo(previous) > 0, "ordered by id");
            previous = s.getSampleId();
            assertEquals(Split.TRAIN, s.getSplit());
            TestSupport.Gen sent = SENT.get(s.getSampleId());
            assertArrayEquals(sent.features(), toArray(s.getFeaturesList()));
            assertEquals(sent.label(), s.getLabel());
            assertEquals(TestSupport.LABELS.indexOf(sent.label()), s.getLabelIndex());
        }

        List<SampleBatch> validationAndTest = drain(grpc.streamSnapshot(
                request(0).addSplits(Split.VALIDATION).addSplits(Split.TEST).build()));
        long n = validationAndTest.stream()
                .mapToLong(SampleBatch::getSamplesCount)
                .sum();
        assertEquals(snapshot.getLong("validationCount") + snapshot.getLong("testCount"), n);
        assertTrue(validationAndTest.stream()
                .flatMap(b -> b.getSamplesList().stream())
                .noneMatch(s -> s.getSplit() == Split.TRAIN));

        List<SampleBatch> all = drain(grpc.streamSnapshot(request(0).build()));
        assertEquals(2, all.size(), "500 samples in batches of the default 256");
        assertEquals(256, all.get(0).getSamplesCount());
        assertEquals(500, all.stream().mapToLong(SampleBatch::getSamplesCount).sum());
    }

    @Test
    void unknownSnapshotsAreNotFoundAndBadRequestsInvalid() {
        assertStatus(
                Status.Code.NOT_FOUND,
                () -> grpc.getSnapshot(
                        SnapshotRef.newBuilder().setDatasetName("grpc-nope").build()));
        assertStatus(
                Status.Code.NOT_FOUND,
                () -> grpc.getSnapshot(SnapshotRef.newBuilder()
                        .setDatasetName(DS)
                        .setVersion(9)
                        .build()));
        assertStatus(
                Status.Code.NOT_FOUND,
                () -> drain(grpc.streamSnapshot(request(9).build())));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                () -> grpc.getSnapshot(
                        SnapshotRef.newBuilder().setDatasetName("Bad Name").build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                () -> grpc.getSnapshot(SnapshotRef.newBuilder()
                        .setDatasetName(DS)
                        .setVersion(-1)
                        .build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                () -> drain(grpc.streamSnapshot(request(1).setBatchSize(-5).build())));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                () -> drain(grpc.streamSnapshot(
                        request(1).addSplits(Split.SPLIT_UNSPECIFIED).build())));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                () -> drain(
                        grpc.streamSnapshot(StreamSnapshotRequest.newBuilder().build())));
    }

    private static void assertStatus(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
