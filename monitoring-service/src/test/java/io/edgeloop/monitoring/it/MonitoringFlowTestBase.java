package io.edgeloop.monitoring.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.sketch.FeatureSketches;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.telemetry.v1.FeatureSketch;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the drift-monitoring flow tests share: the telemetry client, the data service double, the job and inbox
 * stores, the default rule's figures, and building DataReady, Deployed and telemetry windows (raw rows or sketches)
 * for them, reading the drift report, the DriftDetected outbox rows and records back. The service runs against
 * embedded Kafka and PostgreSQL, with a test double {@code DatasetService} on its gRPC test port.
 */
abstract class MonitoringFlowTestBase {
    static final String MODEL = FakeDatasetService.DATASET;
    static final int TEMPERATURE = 7;
    static final String DRIFT_TYPE = DriftDetected.getDescriptor().getFullName();
    /** The default rule's threshold: feature-share, drift when half of the columns drifted. */
    static final double DRIFT_SHARE = 0.5;

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Inject
    Jobs jobs;

    @Inject
    Inbox inbox;

    static JsonPath driftView() {
        return given().get("/models/" + MODEL + "/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** DriftDetected rows of this test's model (other test classes' models drift too). */
    static long driftOutboxRows() {
        return QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.count("eventType = ?1 and recordKey = ?2", DRIFT_TYPE, MODEL));
    }

    static byte[] dataReady(int version) {
        return dataReady(MODEL, version, "manual");
    }

    static byte[] dataReady(String model, int version, String trigger) {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(model)
                .setDatasetVersion(version)
                .setSnapshotId(model + "@v" + version)
                .setFeatureCount(SensorSimulator.featureCount())
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(FakeDatasetService.TRAIN_ROWS)
                .setValidationCount(FakeDatasetService.VALIDATION_ROWS)
                .setTrigger(trigger)
                .build()
                .toByteArray();
    }

    static Deployed deployed(int version) {
        return deployed(MODEL, version);
    }

    static Deployed deployed(String model, int version) {
        return Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", UUID.randomUUID().toString(), "cause-" + version))
                .setDeploymentId("dep-" + version)
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId("var-" + version)
                .addDeviceIds("dev-a")
                .addDeviceIds("dev-b")
                .setDevicesTargeted(2)
                .setDevicesActive(2)
                .setSnapshotId(model + "@v" + version)
                .build();
    }

    /** A window of {@code rows} readings of {@code sim}, with the statistics an edge agent would send. */
    static TelemetryWindow window(String id, String device, int version, SensorSimulator sim, int rows) {
        return window(MODEL, id, device, version, sim, rows);
    }

    static TelemetryWindow window(String model, String id, String device, int version, SensorSimulator sim, int rows) {
        int features = SensorSimulator.featureCount();
        TelemetryWindow.Builder w = TelemetryWindow.newBuilder()
                .setWindowId(id)
                .setDeviceId(device)
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId("var-" + version)
                .setInferenceCount(rows)
                .setFeatureCount(features)
                .setSampleCount(rows)
                .setLatencyP50Us(15)
                .setLatencyP99Us(40);
        double[] sum = new double[features];
        Map<String, Long> classes = new TreeMap<>();
        for (int r = 0; r < rows; r++) {
            SensorSimulator.Reading reading = sim.next();
            for (int f = 0; f < features; f++) {
                w.addInputSample(reading.features()[f]);
                sum[f] += reading.features()[f];
            }
            classes.merge(reading.label(), 1L, Long::sum);
        }
        for (int f = 0; f < features; f++) {
            w.addFeatureStats(FeatureStats.newBuilder().setMean(sum[f] / rows));
        }
        return w.putAllPredictedClassCounts(classes).build();
    }

    /** The window of {@link #window} as an agent sends it by default: per-feature KLL sketches, no raw rows. */
    static TelemetryWindow sketched(
            String model, String id, String device, int version, SensorSimulator sim, int rows) {
        TelemetryWindow w = window(model, id, device, version, sim, rows);
        FeatureSketches sketches = new FeatureSketches(w.getFeatureCount(), FeatureSketches.DEFAULT_K);
        for (int r = 0; r < rows; r++) {
            float[] row = new float[w.getFeatureCount()];
            for (int f = 0; f < row.length; f++) {
                row[f] = w.getInputSample(r * row.length + f);
            }
            sketches.update(row);
        }
        TelemetryWindow.Builder b = w.toBuilder().clearInputSample().setSampleCount(0);
        sketches.toBytes()
                .forEach(kll -> b.addFeatureSketches(FeatureSketch.newBuilder().setKll(ByteString.copyFrom(kll))));
        return b.build();
    }

    /**
     * Reads {@code topic} from the start until {@code expected} records with {@code key} arrived (or the timeout),
     * then keeps reading briefly so that extra records would be seen too; returns the records with {@code key} (other
     * test classes' models publish on the same topics).
     */
    static List<ConsumerRecord<String, byte[]>> consume(String topic, String key, int expected, Duration timeout) {
        return KafkaTestResource.broker()
                .read(
                        topic,
                        read -> read.stream().filter(r -> key.equals(r.key())).count() >= expected,
                        timeout,
                        Duration.ofMillis(1500))
                .stream()
                .filter(r -> key.equals(r.key()))
                .toList();
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
