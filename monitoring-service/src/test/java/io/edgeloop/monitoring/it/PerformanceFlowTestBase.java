package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the performance monitoring tests share: a model, two devices and window ids of their own per test (one run id),
 * the telemetry client and channel, the registry double, and registering, deploying and reporting windows of
 * itemized inferences, posting feedback and reading the performance report. The service runs against embedded Kafka
 * and PostgreSQL, with the registry double {@code FakeModelRegistry} on its gRPC test port.
 */
abstract class PerformanceFlowTestBase {
    static final List<String> LABELS = SensorSimulator.LABELS;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String model = "perf-" + run;
    final String devA = "pa-" + run;
    final String devB = "pb-" + run;

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @GrpcClient("telemetry")
    Channel channel;

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    io.restassured.response.Response feedback(List<Map<String, Object>> items) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("items", items))
                .post("/models/" + model + "/feedback");
    }

    JsonPath performance(String query) {
        return given().get("/models/" + model + "/performance" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    void register(int version) {
        registry.register(ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(version)
                .addAllClassLabels(LABELS)
                .putMetrics("test_accuracy", 0.9)
                .setFeatureCount(SensorSimulator.featureCount())
                .build());
    }

    void deploy(int version) {
        TestTopics.publish(
                Topics.DEPLOYED,
                model,
                Deployed.newBuilder()
                        .setMeta(Events.newMeta(
                                "deployment-service", UUID.randomUUID().toString(), "c-" + version))
                        .setDeploymentId("dep-" + run + "-" + version)
                        .setModelName(model)
                        .setModelVersion(version)
                        .setVariantId("var-" + version)
                        .addDeviceIds(devA)
                        .addDeviceIds(devB)
                        .setSnapshotId(FakeDatasetService.DATASET + "@v1")
                        .build()
                        .toByteArray());
        await("v" + version + " deployed", () -> {
            var res = given().get("/models/" + model + "/drift");
            return res.statusCode() == 200 && res.jsonPath().getInt("modelVersion") == version;
        });
    }

    void report(TelemetryWindow w) {
        assertTrue(telemetry.report(w).getAccepted());
    }

    /** A window of {@code n} classified inferences {@code prefix + i}, class {@code i % 4} at confidence 0.9. */
    TelemetryWindow window(String id, String device, int version, String prefix, int n, Instant at, String source) {
        return window(id, device, version, prefix, n, at, source, 0.9f, 0.9f);
    }

    /** As above, the confidences alternating between {@code even} and {@code odd}. */
    TelemetryWindow window(
            String id,
            String device,
            int version,
            String prefix,
            int n,
            Instant at,
            String source,
            float even,
            float odd) {
        TelemetryWindow.Builder w = TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + run)
                .setDeviceId(device)
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId("var-" + version)
                .setInferenceCount(n)
                .setSource(source)
                .setWindowStart(ProtoTime.of(at))
                .setWindowEnd(ProtoTime.of(at.plusSeconds(2)));
        Map<String, Long> classes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            w.addInferences(InferenceRecord.newBuilder()
                    .setInferenceId(prefix + i)
                    .setPredictedClass(i % 4)
                    .setConfidence(i % 2 == 0 ? even : odd)
                    .setInferredAt(ProtoTime.of(at.plusMillis(i))));
            classes.merge(LABELS.get(i % 4), 1L, Long::sum);
        }
        return w.putAllPredictedClassCounts(classes).build();
    }

    static byte[] dataReady() {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(FakeDatasetService.DATASET)
                .setDatasetVersion(1)
                .setSnapshotId(FakeDatasetService.DATASET + "@v1")
                .setFeatureCount(SensorSimulator.featureCount())
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(FakeDatasetService.TRAIN_ROWS)
                .setValidationCount(FakeDatasetService.VALIDATION_ROWS)
                .setTrigger("manual")
                .build()
                .toByteArray();
    }
}
