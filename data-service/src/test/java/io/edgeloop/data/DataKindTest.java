package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.edgeloop.common.Topics;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.events.v1.DataReady;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Data kind and sample shape of a dataset, and a training spec carried from a snapshot request into DataReady. */
@QuarkusTest
class DataKindTest {
    @GrpcClient("self")
    DatasetServiceGrpc.DatasetServiceBlockingStub grpc;

    private static List<String> features(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("f" + i);
        }
        return names;
    }

    /** A schema of {@code featureCount} features and the test labels, of the given kind and sample shape. */
    private static Map<String, Object> schema(int featureCount, String dataKind, List<Integer> sampleShape) {
        return Map.of(
                "featureNames",
                features(featureCount),
                "labels",
                TestSupport.LABELS,
                "dataKind",
                dataKind,
                "sampleShape",
                sampleShape);
    }

    private static ValidatableResponse putSchema(String dataset, Map<String, Object> schema) {
        return given().contentType(ContentType.JSON)
                .body(schema)
                .put("/datasets/" + dataset)
                .then();
    }

    @Test
    void kindAndShapeAreStoredReturnedAndPartOfTheSchema() {
        Map<String, Object> schema = schema(6, "timeseries", List.of(2, 3));
        putSchema("kind-ts", schema)
                .statusCode(201)
                .body("dataKind", equalTo("timeseries"))
                .body("sampleShape", contains(2, 3));
        putSchema("kind-ts", schema).statusCode(200);
        given().get("/datasets/kind-ts")
                .then()
                .statusCode(200)
                .body("dataKind", equalTo("timeseries"))
                .body("sampleShape", contains(2, 3));
        // raw signals and images are not judged for outliers unless the data set asks
        given().get("/datasets/kind-ts/settings")
                .then()
                .statusCode(200)
                .body("outliers.mode", equalTo("off"))
                .body("outliers.defaults", equalTo(true));
        // another shape (or kind) is another schema
        putSchema("kind-ts", schema(6, "timeseries", List.of(3, 2)))
                .statusCode(409)
                .body("detail", containsString("sampleShape"));
        // defaults: features, [feature count]; an explicit default is the same schema
        TestSupport.createDataset("kind-default", 4);
        given().get("/datasets/kind-default")
                .then()
                .body("dataKind", equalTo("features"))
                .body("sampleShape", contains(4));
        putSchema("kind-default", schema(4, "features", List.of(4))).statusCode(200);
    }

    @Test
    void invalidKindAndShapeAre422() {
        putSchema("kind-bad", schema(6, "audio", List.of(4, 2)))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("dataKind", "sampleShape"));
        putSchema("kind-bad", schema(6, "image", List.of(1, 0, 6)))
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("sampleShape[1]"));
        putSchema(
                        "kind-bad",
                        Map.of("featureNames", features(6), "labels", TestSupport.LABELS, "sampleShape", List.of()))
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("sampleShape"));
        given().get("/datasets/kind-bad").then().statusCode(404);
    }

    @Test
    void snapshotCarriesKindShapeAndTrainingSpecInDataReady() {
        String ds = "kind-image";
        putSchema(ds, schema(4, "image", List.of(1, 2, 2))).statusCode(201);
        TestSupport.ingest(ds, TestSupport.generate(30, 4, 3), 30);
        given().contentType(ContentType.JSON)
                .body(Map.of("trainingSpec", Map.of("architecture", "cnn3d", "hiddenUnits", List.of(8, -1), "x", 1)))
                .post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(422)
                .body(
                        "errors.field",
                        containsInAnyOrder(
                                "trainingSpec.architecture", "trainingSpec.hiddenUnits[1]", "trainingSpec.x"));
        given().get("/datasets/" + ds + "/snapshots").then().body("size()", equalTo(0));
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "trigger",
                        "manual",
                        "trainingSpec",
                        Map.of(
                                "architecture",
                                "cnn2d",
                                "hiddenUnits",
                                List.of(4, 8),
                                "maxEpochs",
                                5,
                                "learningRate",
                                0.02,
                                "optimizer",
                                "sgd",
                                "seed",
                                9)))
                .post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(201);
        List<ConsumerRecord<String, byte[]>> records = TestSupport.consume(
                Topics.DATA_READY, r -> ds.equals(r.key()), seen -> !seen.isEmpty(), Duration.ofSeconds(30));
        assertFalse(records.isEmpty());
        DataReady e;
        try {
            e = DataReady.parseFrom(records.get(0).value());
        } catch (Exception x) {
            throw new AssertionError(x);
        }
        assertEquals("image", e.getDataKind());
        assertEquals(List.of(1, 2, 2), e.getSampleShapeList());
        assertEquals("cnn2d", e.getTrainingSpec().getArchitecture());
        assertEquals(List.of(4, 8), e.getTrainingSpec().getHiddenUnitsList());
        assertEquals(5, e.getTrainingSpec().getMaxEpochs());
        assertEquals(0.02, e.getTrainingSpec().getLearningRate(), 0);
        assertEquals("sgd", e.getTrainingSpec().getOptimizer());
        assertEquals(9, e.getTrainingSpec().getSeed());
        // the snapshot's metadata over gRPC says the same (REST-triggered trainings read it there)
        SnapshotInfo info = grpc.getSnapshot(
                SnapshotRef.newBuilder().setDatasetName(ds).setVersion(0).build());
        assertEquals("image", info.getDataKind());
        assertEquals(List.of(1, 2, 2), info.getSampleShapeList());
        assertEquals(0, info.getSampleRateHz(), 0, "an image data set has no sampling rate");
    }

    @Test
    void aTimeseriesSnapshotCarriesItsRateAndGivesItToAnImpulseWithoutOne() {
        String ds = "kind-rate";
        RecordingSupport.createTimeseries(ds, List.of("acc"), 8, 100.0);
        TestSupport.ingest(ds, TestSupport.generate(30, 8, 5), 30);
        given().contentType(ContentType.JSON)
                .body(Map.of("trainingSpec", Map.of("impulse", Map.of("block", "spectral", "bands", 3))))
                .post("/datasets/" + ds + "/snapshots")
                .then()
                .statusCode(201);
        DataReady e = TestSupport.consume(
                        Topics.DATA_READY, r -> ds.equals(r.key()), seen -> !seen.isEmpty(), Duration.ofSeconds(30))
                .stream()
                .map(r -> {
                    try {
                        return DataReady.parseFrom(r.value());
                    } catch (Exception x) {
                        throw new AssertionError(x);
                    }
                })
                .findFirst()
                .orElseThrow();
        assertEquals(100.0, e.getSampleRateHz(), 0);
        assertEquals(100.0, e.getTrainingSpec().getImpulse().getSampleRateHz(), 0, "the data set's rate");
        assertEquals(3, e.getTrainingSpec().getImpulse().getBands());
        SnapshotInfo info = grpc.getSnapshot(
                SnapshotRef.newBuilder().setDatasetName(ds).setVersion(0).build());
        assertEquals(100.0, info.getSampleRateHz(), 0);
    }
}
