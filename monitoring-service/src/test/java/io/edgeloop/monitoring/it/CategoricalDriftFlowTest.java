package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.sketch.FeatureSketches;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.FeatureDrift;
import io.edgeloop.proto.telemetry.v1.FeatureSketch;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A data set with a categorical feature (DataReady.feature_kinds): its reference keeps rows per category, and a shift
 * of the category shares in the devices' sketched telemetry is judged by the chi-square test, named in the drift
 * report and in the one DriftDetected.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class CategoricalDriftFlowTest {
    private static final String MODEL = "gearbox";
    /**
     * Feature 0: shaft speed, numerical; 1: the gear engaged, categorical (codes 0..3); 2: load, numerical; 3: the
     * operating mode, categorical (codes 0..2). Four features, so that one feature flagged by chance (about one
     * unchanged window in twenty for a test at 0.05) is below the drift share of 0.5.
     */
    private static final List<String> KINDS = List.of("numerical", "categorical", "numerical", "categorical");

    private static final double[] GEARS = {0.5, 0.3, 0.15, 0.05};
    private static final double[] MODES = {0.6, 0.3, 0.1};
    /** The fleet now runs mostly in high gears and in mode 2. */
    private static final double[] HIGH_GEARS = {0.2, 0.2, 0.3, 0.3};

    private static final double[] MODE_2 = {0.3, 0.3, 0.4};

    private static final int TRAIN_ROWS = 1200;

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Test
    void aShiftOfCategorySharesIsJudgedByChiSquareAndRaisesDrift() throws Exception {
        datasets.put(MODEL, 1, List.of("ok", "worn"), trainingSamples());
        TestTopics.publish(Topics.DATA_READY, MODEL, dataReady().toByteArray());
        await(
                "reference profile",
                () -> given().get("/references/" + MODEL + "@v1").statusCode() == 200);
        JsonPath ref = given().get("/references/" + MODEL + "@v1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("numerical", ref.getString("features[0].kind"));
        assertNull(ref.get("features[0].categoryCounts"));
        assertEquals("categorical", ref.getString("features[1].kind"));
        Map<String, Integer> counts = ref.getMap("features[1].categoryCounts");
        assertEquals(List.of("0", "1", "2", "3"), new ArrayList<>(counts.keySet()));
        assertEquals(
                TRAIN_ROWS, counts.values().stream().mapToInt(Integer::intValue).sum(), "every TRAIN row counted");

        TestTopics.publish(Topics.DEPLOYED, MODEL, deployed().toByteArray());
        await("deployed", () -> given().get("/models/" + MODEL + "/drift").statusCode() == 200);

        // the training mix of gears (the agents' default: sketches, no rows): judged, no drift
        Random random = new Random(5);
        for (int i = 1; i <= 3; i++) {
            TelemetryAck ack = telemetry.report(window("same-" + i, random, GEARS, MODES));
            assertFalse(
                    ack.getDriftDetected(), "window " + i + ": " + driftView().prettify());
        }
        JsonPath view = driftView();
        assertEquals(300, view.getInt("sampleCount"));
        assertEquals("categorical", view.getString("features[1].kind"));
        assertEquals("chi-square", view.getString("features[1].test"));
        assertFalse(view.getBoolean("features[1].drifted"), view.prettify());
        assertNull(view.get("features[1].ksStatistic"), "no KS statistic for categories");
        assertEquals(TRAIN_ROWS, view.getInt("features[1].categories.referenceCount"));
        assertEquals(300, view.getInt("features[1].categories.observedCount"));
        assertEquals("ks", view.getString("features[0].test"));
        assertEquals("numerical", view.getString("features[0].kind"));

        // the fleet shifts to high gears: the newest 400 rows (the test buffer) are all of the new mix
        boolean detected = false;
        for (int i = 1; i <= 4; i++) {
            detected = telemetry
                    .report(window("high-" + i, random, HIGH_GEARS, MODE_2))
                    .getDriftDetected();
        }
        assertTrue(detected, "the gear shift drifts");
        view = driftView();
        assertEquals(400, view.getInt("sampleCount"));
        assertEquals("feature-tests+drift-share", view.getString("method"));
        assertEquals("chi-square", view.getString("features[1].test"));
        assertTrue(view.getBoolean("features[1].drifted"), view.prettify());
        double p = view.getDouble("features[1].statistic");
        assertTrue(p < 0.05, "Holm-adjusted chi-square p " + p);
        assertEquals(0.05, view.getDouble("features[1].threshold"));
        assertEquals(0.3, view.getDouble("features[1].categories.observedShares.'3'"), 0.08);
        assertEquals(0.05, view.getDouble("features[1].categories.referenceShares.'3'"), 0.02);
        assertTrue(view.getBoolean("features[3].drifted"), view.prettify());
        assertFalse(view.getBoolean("features[0].drifted"), "the speed did not change");
        assertFalse(view.getBoolean("features[2].drifted"), "the load did not change");
        assertEquals(0.5, view.getDouble("driftScore"), 1e-12, "two features of four");

        List<DriftDetected> events = KafkaTestResource.broker()
                .read(
                        Topics.DRIFT_DETECTED,
                        read -> read.stream().anyMatch(r -> MODEL.equals(r.key())),
                        Duration.ofSeconds(30),
                        Duration.ofMillis(1500))
                .stream()
                .filter(r -> MODEL.equals(r.key()))
                .map(r -> {
                    try {
                        return DriftDetected.parseFrom(r.value());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        assertEquals(1, events.size(), "one DriftDetected: " + events);
        FeatureDrift gear = events.get(0).getFeatures(1);
        assertEquals("categorical", gear.getKind());
        assertEquals("chi-square", gear.getTest());
        assertTrue(gear.getDrifted());
        assertTrue(gear.getStatistic() < gear.getThreshold(), gear.toString());
        assertFalse(events.get(0).getFeatures(0).getDrifted());
        assertEquals("categorical", events.get(0).getFeatures(3).getKind());
        assertEquals(4, events.get(0).getFeaturesCount());
    }

    private static List<Sample> trainingSamples() {
        Random random = new Random(3);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < TRAIN_ROWS + 100; i++) {
            float[] row = row(random, GEARS, MODES);
            int gear = (int) row[1];
            samples.add(Sample.newBuilder()
                    .setSampleId(String.format("g-%05d", i))
                    .addFeatures(row[0])
                    .addFeatures(row[1])
                    .addFeatures(row[2])
                    .addFeatures(row[3])
                    .setLabel(gear == 3 ? "worn" : "ok")
                    .setLabelIndex(gear == 3 ? 1 : 0)
                    .setSplit(i < TRAIN_ROWS ? Split.TRAIN : Split.VALIDATION)
                    .build());
        }
        return samples;
    }

    private static float[] row(Random random, double[] gears, double[] modes) {
        return new float[] {
            (float) (1000 + 50 * random.nextGaussian()),
            category(random, gears),
            (float) (5 + random.nextGaussian()),
            category(random, modes)
        };
    }

    private static int category(Random random, double[] shares) {
        double u = random.nextDouble();
        int c = 0;
        while (c < shares.length - 1 && u >= shares[c]) {
            u -= shares[c];
            c++;
        }
        return c;
    }

    /** 100 readings as an agent sends them by default: one KLL sketch per feature, no rows. */
    private static TelemetryWindow window(String id, Random random, double[] gears, double[] modes) {
        FeatureSketches sketches = new FeatureSketches(KINDS.size(), FeatureSketches.DEFAULT_K);
        for (int r = 0; r < 100; r++) {
            sketches.update(row(random, gears, modes));
        }
        TelemetryWindow.Builder w = TelemetryWindow.newBuilder()
                .setWindowId(MODEL + "-" + id)
                .setDeviceId("dev-g")
                .setModelName(MODEL)
                .setModelVersion(1)
                .setVariantId("var-1")
                .setInferenceCount(100)
                .setFeatureCount(KINDS.size());
        sketches.toBytes()
                .forEach(kll -> w.addFeatureSketches(FeatureSketch.newBuilder().setKll(ByteString.copyFrom(kll))));
        return w.build();
    }

    private static JsonPath driftView() {
        return given().get("/models/" + MODEL + "/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static DataReady dataReady() {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(MODEL)
                .setDatasetVersion(1)
                .setSnapshotId(MODEL + "@v1")
                .setFeatureCount(KINDS.size())
                .addAllFeatureKinds(KINDS)
                .addAllClassLabels(List.of("ok", "worn"))
                .setTrainCount(TRAIN_ROWS)
                .setValidationCount(100)
                .setTrigger("manual")
                .build();
    }

    private static Deployed deployed() {
        return Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", UUID.randomUUID().toString(), ""))
                .setDeploymentId("dep-" + MODEL)
                .setModelName(MODEL)
                .setModelVersion(1)
                .setVariantId("var-1")
                .addDeviceIds("dev-g")
                .setDevicesTargeted(1)
                .setDevicesActive(1)
                .setSnapshotId(MODEL + "@v1")
                .build();
    }
}
