package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.monitoring.domain.DriftHistory;
import io.edgeloop.monitoring.persistence.DriftHistoryStore;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The drift history: every computed evaluation of the deployed version is recorded (min-interval 0 in tests) with its
 * verdict and compact per-feature figures, listed newest first by {@code GET /models/{name}/drift/history} within
 * {@code [from, to)} and {@code limit}; bad queries are 422 naming the parameter, an unknown model 404; retention
 * deletes rows by age and keeps the newest rows per model.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DriftHistoryFlowTest {
    private static final String DATASET = FakeDatasetService.DATASET;

    private final String model = "hist-" + UUID.randomUUID().toString().substring(0, 8);

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Inject
    DriftHistoryStore store;

    @Inject
    DriftHistory history;

    @Test
    void everyEvaluationIsRecordedAndListedNewestFirstWithinItsBounds() {
        TestTopics.publish(Topics.DATA_READY, DATASET, dataReady());
        await(
                "reference profile",
                () -> given().get("/references/" + DATASET + "@v1").statusCode() == 200);
        TestTopics.publish(Topics.DEPLOYED, model, deployed().toByteArray());
        await("deployed", () -> given().get("/models/" + model + "/drift").statusCode() == 200);
        assertEquals(0, history("").getList("entries").size(), "nothing evaluated yet");

        // 100-row windows: windows 3 and 4 are evaluated (300, 400 rows) without drift; then the sensor is remounted
        SensorSimulator clean = new SensorSimulator(31);
        for (int i = 1; i <= 4; i++) {
            telemetry.report(window("c" + i, clean, 100));
        }
        SensorSimulator remounted = new SensorSimulator(32).drift(SensorSimulator.Drift.REMOUNTED);
        boolean detected = false;
        for (int i = 1; i <= 4 && !detected; i++) {
            detected = telemetry.report(window("d" + i, remounted, 100)).getDriftDetected();
        }
        assertTrue(detected, "the remounted sensor drifts");

        JsonPath all = history("");
        List<Map<String, Object>> entries = all.getList("entries");
        assertTrue(entries.size() >= 3, entries.toString());
        assertEquals(model, all.getString("modelName"));
        assertTrue(all.getBoolean("entries[0].driftDetected"), "the newest evaluation drifted");
        assertFalse(all.getBoolean("entries[" + (entries.size() - 1) + "].driftDetected"), "the oldest did not");
        assertEquals(300, all.getInt("entries[" + (entries.size() - 1) + "].sampleCount"));
        assertEquals(DATASET + "@v1", all.getString("entries[0].referenceId"));
        assertEquals("feature-tests+drift-share", all.getString("entries[0].method"), "the default rule");
        assertEquals(1, all.getInt("entries[0].modelVersion"));
        assertEquals(8, all.getList("entries[0].features").size());
        assertEquals("ks", all.getString("entries[0].features[0].test"));
        assertTrue(all.getList("entries[0].features.drifted", Boolean.class).contains(true));
        // feature-share: the score is the share of drifted columns (the features, and the predictions when evaluated)
        double score = all.getDouble("entries[0].driftScore");
        long driftedFeatures = all.getList("entries[0].features.drifted", Boolean.class).stream()
                .filter(d -> d)
                .count();
        Boolean prediction = all.get("entries[0].predictionDrifted");
        int columns = 8 + (prediction == null ? 0 : 1);
        // (stored as float4: compared to 1e-6)
        assertEquals((driftedFeatures + (Boolean.TRUE.equals(prediction) ? 1 : 0)) / (double) columns, score, 1e-6);
        assertEquals(score, all.getDouble("entries[0].driftShare"), 1e-6);
        assertEquals(0.5, all.getDouble("entries[0].threshold"));
        assertTrue(score >= 0.5, "score " + score);
        List<Instant> times = all.getList("entries.evaluatedAt", String.class).stream()
                .map(Instant::parse)
                .toList();
        for (int i = 1; i < times.size(); i++) {
            assertFalse(times.get(i).isAfter(times.get(i - 1)), "newest first: " + times);
        }

        // bounds: [from, to) and limit
        Instant oldest = times.get(times.size() - 1);
        assertEquals(
                times.size() - 1,
                history("?from=" + oldest.plusNanos(1000)).getList("entries").size());
        assertEquals(
                1, history("?to=" + oldest.plusNanos(1000)).getList("entries").size());
        assertEquals(0, history("?to=" + oldest).getList("entries").size(), "to is exclusive");
        assertEquals(2, history("?limit=2").getList("entries").size());
        assertEquals(times.get(0), Instant.parse(history("?limit=1").getString("entries[0].evaluatedAt")));

        // bad queries name the parameter; an unknown model is a 404
        bad("?from=yesterday", "from");
        bad("?limit=0", "limit");
        bad("?limit=x", "limit");
        bad("?from=" + oldest + "&to=" + oldest, "to");
        given().get("/models/no-such-model/drift/history").then().statusCode(404);

        // retention: the newest rows per model are kept, then everything older than the retention goes
        store.trim(Instant.EPOCH, 2);
        assertEquals(
                times.subList(0, 2),
                history("").getList("entries.evaluatedAt", String.class).stream()
                        .map(Instant::parse)
                        .toList());
        history.trim(Instant.now().plus(java.time.Duration.ofDays(31)));
        assertEquals(0, history("").getList("entries").size());
    }

    private JsonPath history(String query) {
        return given().get("/models/" + model + "/drift/history" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private void bad(String query, String field) {
        given().get("/models/" + model + "/drift/history" + query)
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(field));
    }

    private TelemetryWindow window(String id, SensorSimulator sim, int rows) {
        int features = SensorSimulator.featureCount();
        TelemetryWindow.Builder w = TelemetryWindow.newBuilder()
                .setWindowId(model + "-" + id)
                .setDeviceId("dev-h")
                .setModelName(model)
                .setModelVersion(1)
                .setVariantId("var-1")
                .setInferenceCount(rows)
                .setFeatureCount(features)
                .setSampleCount(rows);
        Map<String, Long> classes = new TreeMap<>();
        for (int r = 0; r < rows; r++) {
            SensorSimulator.Reading reading = sim.next();
            for (int f = 0; f < features; f++) {
                w.addInputSample(reading.features()[f]);
            }
            classes.merge(reading.label(), 1L, Long::sum);
        }
        return w.putAllPredictedClassCounts(classes).build();
    }

    private Deployed deployed() {
        return Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", UUID.randomUUID().toString(), "cause"))
                .setDeploymentId("dep-" + model)
                .setModelName(model)
                .setModelVersion(1)
                .setVariantId("var-1")
                .addDeviceIds("dev-h")
                .setSnapshotId(DATASET + "@v1")
                .build();
    }

    private static byte[] dataReady() {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(DATASET)
                .setDatasetVersion(1)
                .setSnapshotId(DATASET + "@v1")
                .setFeatureCount(SensorSimulator.featureCount())
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(FakeDatasetService.TRAIN_ROWS)
                .setValidationCount(FakeDatasetService.VALIDATION_ROWS)
                .setTrigger("manual")
                .build()
                .toByteArray();
    }
}
