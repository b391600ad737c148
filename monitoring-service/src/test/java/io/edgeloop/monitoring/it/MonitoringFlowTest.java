package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.monitoring.persistence.ObservationChunkEntity;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.FeatureDrift;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Drift of the deployed version end to end: DataReady gives reference profiles, Deployed picks the monitored version,
 * clean telemetry raises nothing, drifted telemetry raises exactly one DriftDetected; a version trained on a drift
 * snapshot is compared with a live baseline of its first windows, not with the mixture it learned.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class MonitoringFlowTest extends MonitoringFlowTestBase {
    @Test
    void driftOfTheDeployedVersionIsDetectedOnce() throws Exception {
        // reference profiles of two snapshots, from the TRAIN split only (other test classes store profiles of their
        // own data sets: only this one's are counted)
        TestTopics.publish(Topics.DATA_READY, MODEL, dataReady(1));
        TestTopics.publish(Topics.DATA_READY, MODEL, dataReady(2));
        String ofModel = "findAll { it.datasetName == '" + MODEL + "' }.";
        await(
                "reference profiles",
                () -> given().get("/references")
                                .jsonPath()
                                .getList(ofModel + "snapshotId")
                                .size()
                        == 2);
        JsonPath refs =
                given().get("/references").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(8, 8), refs.getList(ofModel + "featureCount"));
        assertEquals(List.of(1500, 1500), refs.getList(ofModel + "trainCount"));
        assertTrue(datasets.streamRequests().stream()
                .allMatch(r -> r.getSplitsList().equals(List.of(Split.TRAIN))));
        given().get("/references/" + MODEL + "@v1")
                .then()
                .statusCode(200)
                .body("features.size()", is(8))
                .body("sampleSize", is(1500));

        // v1 deployed: no observations yet
        Deployed v1 = deployed(1);
        TestTopics.publish(Topics.DEPLOYED, MODEL, v1.toByteArray());
        await("v1 deployed", () -> given().get("/models/" + MODEL + "/drift").statusCode() == 200);
        JsonPath drift = driftView();
        assertEquals(1, drift.getInt("modelVersion"));
        assertEquals(MODEL + "@v1", drift.getString("referenceSnapshotId"));
        assertEquals(0, drift.getInt("sampleCount"));
        assertEquals(-1.0, drift.getDouble("driftScore"));

        // undrifted inputs: a score once 300 rows are buffered, but no drift
        SensorSimulator clean = new SensorSimulator(11);
        List<TelemetryAck> acks = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            acks.add(telemetry.report(window("clean-" + i, i % 2 == 1 ? "dev-a" : "dev-b", 1, clean, 100)));
        }
        assertEquals(-1.0, acks.get(0).getDriftScore());
        assertEquals(-1.0, acks.get(1).getDriftScore());
        for (TelemetryAck ack : acks.subList(2, 4)) {
            assertTrue(ack.getAccepted());
            assertTrue(ack.getDriftScore() >= 0 && ack.getDriftScore() < DRIFT_SHARE, "score " + ack.getDriftScore());
            assertFalse(ack.getDriftDetected());
        }
        drift = driftView();
        assertEquals(400, drift.getInt("sampleCount"));
        assertFalse(drift.getBoolean("driftDetected"));
        assertEquals(8, drift.getList("features").size());
        assertEquals(null, drift.getString("driftEventId"));
        // the predicted classes (here the simulator's labels) against the training labels, reported with the test
        assertEquals(400, drift.getLong("prediction.predictions"));
        assertEquals("chi-square", drift.getString("prediction.test"));
        double p = drift.getDouble("prediction.statistic");
        assertTrue(p > 0 && p <= 1, "p " + p);
        assertEquals(p < 0.05, drift.getBoolean("prediction.drifted"));
        Map<String, Object> shares = drift.getMap("prediction.observedShares");
        assertEquals(new java.util.TreeSet<>(SensorSimulator.LABELS), new java.util.TreeSet<>(shares.keySet()));
        assertEquals(
                1.0,
                shares.values().stream()
                        .mapToDouble(v -> ((Number) v).doubleValue())
                        .sum(),
                1e-5);
        assertEquals(
                SensorSimulator.LABELS.size(),
                drift.getMap("prediction.referenceShares").size());

        // a duplicate window changes nothing and gets the same acknowledgement
        TelemetryAck again = telemetry.report(window("clean-4", "dev-b", 1, new SensorSimulator(99), 100));
        assertEquals(acks.get(3), again);
        assertEquals(400, driftView().getInt("sampleCount"));
        JsonPath devB = given().get("/devices/dev-b/telemetry")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of("clean-4", "clean-2"), devB.getList("windows.windowId"));
        assertEquals(100, devB.getInt("windows[0].inferenceCount"));
        assertEquals(0L, driftOutboxRows());

        // v2 deployed: a fresh observation window against the v2 reference
        Deployed v2 = deployed(2);
        TestTopics.publish(Topics.DEPLOYED, MODEL, v2.toByteArray());
        await("v2 deployed", () -> driftView().getInt("modelVersion") == 2);
        drift = driftView();
        assertEquals(0, drift.getInt("sampleCount"));
        assertEquals(MODEL + "@v2", drift.getString("referenceSnapshotId"));

        // inputs of the wrong width for the deployed model: stored (health gates need the counts), never buffered
        TelemetryAck wide = telemetry.report(TelemetryWindow.newBuilder()
                .setWindowId("wide-1")
                .setDeviceId("dev-a")
                .setModelName(MODEL)
                .setModelVersion(2)
                .setInferenceCount(1)
                .setFeatureCount(3)
                .setSampleCount(1)
                .addInputSample(1f)
                .addInputSample(2f)
                .addInputSample(3f)
                .build());
        assertTrue(wide.getAccepted());
        assertEquals(-1.0, wide.getDriftScore());
        assertEquals(0, driftView().getInt("sampleCount"));
        // the report says why: too few rows, and the window whose inputs have another width
        JsonPath explained = driftView();
        assertEquals(-1.0, explained.getDouble("driftScore"));
        assertEquals(
                "0 observed rows, drift needs at least 300; 1 windows sent 3 features, the reference has 8 (not"
                        + " compared)",
                explained.getString("reason"));
        assertEquals("feature-tests+drift-share", explained.getString("method"), "the default rule");
        given().get("/devices/dev-a/telemetry")
                .then()
                .statusCode(200)
                .body("windows[0].windowId", is("wide-1"))
                .body("windows[0].buffered", is(false));

        // drifted inputs of the old version no longer count
        SensorSimulator remounted = new SensorSimulator(12).drift(SensorSimulator.Drift.REMOUNTED);
        TelemetryAck stale = telemetry.report(window("old-1", "dev-c", 1, remounted, 400));
        assertEquals(-1.0, stale.getDriftScore());
        assertFalse(stale.getDriftDetected());
        assertEquals(0, driftView().getInt("sampleCount"));
        given().get("/devices/dev-c/telemetry").then().statusCode(200).body("windows[0].buffered", is(false));

        // drifted inputs of v2: detected from the third window on, the event is emitted once
        acks.clear();
        for (int i = 1; i <= 5; i++) {
            acks.add(telemetry.report(window("drift-" + i, i % 2 == 1 ? "dev-a" : "dev-b", 2, remounted, 100)));
        }
        assertFalse(acks.get(1).getDriftDetected());
        assertEquals(-1.0, acks.get(1).getDriftScore());
        for (TelemetryAck ack : acks.subList(2, 5)) {
            assertTrue(ack.getDriftDetected());
            assertTrue(ack.getDriftScore() >= DRIFT_SHARE, "score " + ack.getDriftScore());
        }

        List<ConsumerRecord<String, byte[]>> records = consume(Topics.DRIFT_DETECTED, MODEL, 1, Duration.ofSeconds(30));
        assertEquals(1, records.size(), "exactly one DriftDetected");
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertEquals(MODEL, record.key());
        assertEquals(DRIFT_TYPE, header(record, EventHeaders.EVENT_TYPE));
        DriftDetected event = DriftDetected.parseFrom(record.value());
        assertEquals(event.getMeta().getEventId(), header(record, EventHeaders.EVENT_ID));
        assertEquals("monitoring-service", event.getMeta().getProducer());
        assertEquals(v2.getMeta().getEventId(), event.getMeta().getCausationId());
        assertFalse(event.getMeta().getCorrelationId().isBlank());
        assertNotEquals(v2.getMeta().getCorrelationId(), event.getMeta().getCorrelationId());
        assertFalse(event.getMeta().getTraceparent().isBlank(), "trace starts at the device report");
        assertEquals(MODEL, event.getModelName());
        assertEquals(2, event.getModelVersion());
        assertEquals(MODEL, event.getDatasetName());
        assertEquals(MODEL + "@v2", event.getReferenceSnapshotId());
        assertEquals(List.of("dev-a", "dev-b"), event.getDeviceIdsList());
        assertEquals(300, event.getWindowSampleCount());
        assertEquals(DRIFT_SHARE, event.getThreshold());
        assertEquals("feature-tests+drift-share", event.getMethod());
        assertEquals(acks.get(2).getDriftScore(), event.getDriftScore(), 1e-12);
        assertEquals(8, event.getFeaturesCount());
        FeatureDrift temperature = event.getFeatures(TEMPERATURE);
        assertEquals(TEMPERATURE, temperature.getFeatureIndex());
        assertEquals(18.0, temperature.getObservedMean() - temperature.getReferenceMean(), 2.0);
        assertTrue(temperature.getPValue() < 0.001);
        assertTrue(temperature.getPsi() > 1.0);
        assertEquals("numerical", temperature.getKind());
        assertEquals("ks", temperature.getTest());
        assertTrue(temperature.getDrifted());
        assertTrue(temperature.getStatistic() < temperature.getThreshold(), "Holm-adjusted p below 0.05");
        assertEquals(1L, driftOutboxRows());

        // the buffer keeps the newest buffer-size (400 in tests) rows: the oldest drifted window was dropped
        drift = driftView();
        assertEquals(400, drift.getInt("sampleCount"));
        assertEquals(
                4L, QuarkusTransaction.requiringNew().call(() -> ObservationChunkEntity.count("modelName", MODEL)));
        assertTrue(drift.getBoolean("driftDetected"));
        assertEquals(event.getMeta().getEventId(), drift.getString("driftEventId"));
        assertTrue(drift.getDouble("driftScore") >= DRIFT_SHARE);
        assertEquals(DRIFT_SHARE, drift.getDouble("threshold"));
        assertEquals(TEMPERATURE, drift.getInt("features[7].index"));
        assertTrue(drift.getDouble("features[7].threshold") > 0, "each feature's own threshold, as 'threshold'");
        assertTrue(drift.getMap("features[7]").containsKey("threshold"));
        assertTrue(!drift.getMap("features[7]").containsKey("featureThreshold"));
    }

    @Test
    void aVersionTrainedOnADriftSnapshotIsComparedWithALiveBaselineNotWithTheMixture() throws Exception {
        String model = FakeDatasetService.RETRAINED;
        TestTopics.publish(Topics.DATA_READY, model, dataReady(model, 1, "manual"));
        TestTopics.publish(
                Topics.DATA_READY, model, dataReady(model, 2, "drift")); // v2 learned old and new regime together
        await(
                "reference profiles of " + model,
                () -> given().get("/references/" + model + "@v2").statusCode() == 200);
        TestTopics.publish(Topics.DEPLOYED, model, deployed(model, 2).toByteArray());
        await("v2 deployed", () -> given().get("/models/" + model + "/drift").statusCode() == 200);
        SensorSimulator remounted = new SensorSimulator(21).drift(SensorSimulator.Drift.REMOUNTED);

        // agents send per-feature sketches, not rows (their default): baseline and comparisons work from them
        // the new regime: against v2's training data it would drift at once; first it is the baseline (300 rows)
        for (int i = 1; i <= 3; i++) {
            TelemetryAck ack = telemetry.report(sketched(model, "base-" + i, "dev-a", 2, remounted, 100));
            assertEquals(-1.0, ack.getDriftScore(), "collecting the baseline, window " + i);
            assertFalse(ack.getDriftDetected());
        }
        JsonPath view =
                given().get("/models/" + model + "/drift").then().extract().jsonPath();
        assertEquals("live:" + model + "@v2", view.getString("referenceId"));
        given().get("/references/live:" + model + "@v2").then().statusCode(200).body("trainCount", is(300));
        // more of the same regime: compared with the baseline, no drift (and no event) however long it runs
        for (int i = 1; i <= 4; i++) {
            TelemetryAck ack = telemetry.report(sketched(model, "same-" + i, "dev-b", 2, remounted, 100));
            assertFalse(ack.getDriftDetected(), "window " + i + " score " + ack.getDriftScore());
        }
        view = given().get("/models/" + model + "/drift").then().extract().jsonPath();
        assertTrue(view.getDouble("driftScore") >= 0 && view.getDouble("driftScore") < DRIFT_SHARE, view.prettify());
        // the sensors go back to the old mounting: that is drift against the baseline, detected and announced
        SensorSimulator clean = new SensorSimulator(22);
        boolean detected = false;
        for (int i = 1; i <= 5 && !detected; i++) {
            detected = telemetry
                    .report(sketched(model, "back-" + i, "dev-a", 2, clean, 100))
                    .getDriftDetected();
        }
        assertTrue(detected, "a return to the old regime is drift against the live baseline");
        List<DriftDetected> events = KafkaTestResource.broker()
                .read(
                        Topics.DRIFT_DETECTED,
                        read -> read.stream().anyMatch(r -> model.equals(r.key())),
                        Duration.ofSeconds(30),
                        Duration.ofMillis(1500))
                .stream()
                .filter(r -> model.equals(r.key()))
                .map(r -> {
                    try {
                        return DriftDetected.parseFrom(r.value());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        assertEquals(1, events.size(), "one DriftDetected for " + model + ": " + events);
        assertEquals("live:" + model + "@v2", events.get(0).getReferenceSnapshotId());
        assertEquals(model, events.get(0).getDatasetName());
    }
}
