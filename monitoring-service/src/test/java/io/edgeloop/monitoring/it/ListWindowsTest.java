package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.batch.GroupCommit;
import io.edgeloop.monitoring.domain.TelemetryIntake;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatch;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchResult;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * TelemetryService.ListWindows (filters, limit, ordering, validation) and the window fields added for health
 * gates: client errors apart from model errors, the traffic source, error-only windows. Shares the application
 * start (embedded Kafka + PostgreSQL) with {@link MonitoringFlowTest}.
 */
@QuarkusTest
class ListWindowsTest {
    /** An hour ago: windows must lie within the bounds of TelemetryValidation around the server's clock. */
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));

    private static final FeatureStats EMPTY_STATS = FeatureStats.newBuilder()
            .setMin(Double.POSITIVE_INFINITY)
            .setMax(Double.NEGATIVE_INFINITY)
            .build();

    @Inject
    TelemetryIntake intake;

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Test
    void windowsAreListedNewestFirstAndFiltered() {
        String device = "list-" + UUID.randomUUID();
        // reported out of order; window end decides what is newest
        report(summary("w3", device, "alpha", 2, 3).setSource("simulator").setClientErrorCount(4));
        report(summary("w1", device, "alpha", 1, 1));
        report(summary("w5", device, "beta", 1, 5).setErrorCount(2));
        report(summary("w2", device, "alpha", 1, 2));
        report(summary("w4", device, "alpha", 2, 4).setSource("live"));
        report(summary("other", "someone-else", "alpha", 1, 9));

        assertEquals(List.of("w5", "w4", "w3", "w2", "w1"), ids(list(device).build()));
        assertEquals(
                List.of("w4", "w3", "w2", "w1"),
                ids(list(device).setModelName("alpha").build()));
        assertEquals(
                List.of("w2", "w1"),
                ids(list(device).setModelName("alpha").setModelVersion(1).build()));
        assertEquals(
                List.of("w5", "w4", "w3"),
                ids(list(device).setSince(ProtoTime.of(end(3))).build()),
                "since is inclusive of windows that ended at that instant");
        assertEquals(List.of("w5", "w4"), ids(list(device).setLimit(2).build()));
        assertEquals(List.of(), ids(list("nobody-" + UUID.randomUUID()).build()), "unknown device: no windows");

        List<TelemetryWindow> windows =
                telemetry.listWindows(list(device).build()).getWindowsList();
        TelemetryWindow w3 = windows.get(2);
        assertEquals("simulator", w3.getSource());
        assertEquals(4, w3.getClientErrorCount());
        assertEquals(0, w3.getErrorCount());
        assertEquals(10, w3.getInferenceCount());
        assertEquals(2, w3.getSampleCount(), "the sample's size is kept");
        assertEquals(0, w3.getInputSampleCount(), "input_sample is left empty");
        assertEquals(ProtoTime.of(end(3)), w3.getWindowEnd());
        assertEquals(ProtoTime.of(end(3).minusSeconds(60)), w3.getWindowStart());
        assertEquals("dep-alpha", w3.getDeploymentId());
        assertEquals(Map.of("normal", 10L), w3.getPredictedClassCountsMap());
        assertEquals("live", windows.get(0).getSource(), "a window without a source is live");
        assertEquals(2, windows.get(0).getErrorCount());
    }

    @Test
    void zeroLimitMeansFiftyNewest() {
        String device = "many-" + UUID.randomUUID();
        for (int i = 1; i <= 52; i++) {
            report(summary("m" + i, device, "alpha", 1, i));
        }
        List<String> ids = ids(list(device).build());
        assertEquals(50, ids.size());
        assertEquals("m52", ids.get(0));
        assertEquals("m3", ids.get(49));
        assertEquals(52, ids(list(device).setLimit(500).build()).size());
    }

    @Test
    void badListRequestsNameTheField() {
        assertInvalid(list("").build(), "device_id is required");
        assertInvalid(list("  ").build(), "device_id is required");
        assertInvalid(list("dev").setLimit(501).build(), "limit must be between 0 and 500");
        assertInvalid(list("dev").setLimit(-1).build(), "limit must be between 0 and 500");
        assertInvalid(list("dev").setModelName("m").setModelVersion(-1).build(), "model_version must be >= 0");
        assertInvalid(list("dev").setModelVersion(2).build(), "model_version needs model_name");
    }

    @Test
    void errorOnlyWindowsAreStoredAndClientErrorsKeptApart() throws Exception {
        String model = "gate-" + UUID.randomUUID().toString().substring(0, 8);
        String device = "gate-dev-" + UUID.randomUUID();
        publishDeployed(model);
        await(
                "deployment seen",
                () -> given().get("/models/" + model + "/drift").statusCode() == 200);

        // every inference failed: nothing to divide, nothing to buffer, but stored
        TelemetryAck ack = telemetry.report(TelemetryWindow.newBuilder()
                .setWindowId("errors-only-" + device)
                .setDeviceId(device)
                .setModelName(model)
                .setModelVersion(1)
                .setErrorCount(7)
                .setClientErrorCount(3)
                .setFeatureCount(2) // as an agent sends it: statistics of no inference
                .addFeatureStats(EMPTY_STATS)
                .addFeatureStats(EMPTY_STATS)
                .setWindowStart(ProtoTime.of(end(1).minusSeconds(60)))
                .setWindowEnd(ProtoTime.of(end(1)))
                .build());
        assertTrue(ack.getAccepted());
        assertEquals(-1.0, ack.getDriftScore());
        // inputs sampled in a window without a single successful inference are not what the model saw
        report(summary("failed-inputs", device, model, 1, 2)
                .setInferenceCount(0)
                .setErrorCount(2));
        report(summary("sim", device, model, 1, 3).setSource("simulator"));
        report(summary("live", device, model, 1, 4).setClientErrorCount(1));

        JsonPath view = given().get("/devices/" + device + "/telemetry")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(
                List.of("live-" + device, "sim-" + device, "failed-inputs-" + device, "errors-only-" + device),
                view.getList("windows.windowId"));
        assertEquals(List.of(true, true, false, false), view.getList("windows.buffered"));
        assertEquals(List.of("live", "simulator", "live", "live"), view.getList("windows.source"));
        assertEquals(List.of(1, 0, 0, 3), view.getList("windows.clientErrorCount"));
        assertEquals(List.of(0, 0, 2, 7), view.getList("windows.errorCount"));
        assertEquals(List.of(10, 10, 0, 0), view.getList("windows.inferenceCount"));
        assertEquals(4, given().get("/models/" + model + "/drift").jsonPath().getInt("sampleCount"));

        List<TelemetryWindow> all = telemetry
                .listWindows(list(device).setModelName(model).setModelVersion(1).build())
                .getWindowsList();
        assertEquals(4, all.size());
        TelemetryWindow errorsOnly = all.get(3);
        assertEquals("errors-only-" + device, errorsOnly.getWindowId());
        assertEquals(0, errorsOnly.getInferenceCount());
        assertEquals(7, errorsOnly.getErrorCount());
        assertEquals(3, errorsOnly.getClientErrorCount());
        assertEquals("live", errorsOnly.getSource());
    }

    /**
     * Windows reported at once by many devices, each sent twice, are written in group commits: every window is stored
     * and buffered once, a repeated window gets the acknowledgement of its first delivery, and no batch fails (a
     * batch holding a window and its repeat, or windows of one model, commits as a whole).
     */
    @Test
    void concurrentWindowsAreStoredOnceEachInGroupCommits() throws Exception {
        String model = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        publishDeployed(model);
        await(
                "deployment seen",
                () -> given().get("/models/" + model + "/drift").statusCode() == 200);
        GroupCommit.Stats before = intake.stats();
        int devices = 16;
        int perDevice = 10;
        ExecutorService pool = Executors.newFixedThreadPool(devices);
        try {
            List<Future<List<TelemetryAck>>> sent = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                String device = model + "-dev-" + d;
                sent.add(pool.submit(() -> {
                    List<TelemetryAck> acks = new ArrayList<>();
                    for (int i = 1; i <= perDevice; i++) {
                        TelemetryWindow w =
                                summary("b" + i, device, model, 1, i).build();
                        acks.add(telemetry.report(w));
                        acks.add(telemetry.report(w)); // a retry of the same window
                    }
                    return acks;
                }));
            }
            for (Future<List<TelemetryAck>> f : sent) {
                List<TelemetryAck> acks = f.get(2, TimeUnit.MINUTES);
                for (int i = 0; i < acks.size(); i += 2) {
                    assertTrue(acks.get(i).getAccepted());
                    assertEquals(acks.get(i), acks.get(i + 1), "a repeated window gets its first acknowledgement");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (int d = 0; d < devices; d++) {
            assertEquals(
                    perDevice,
                    ids(list(model + "-dev-" + d).setLimit(500).build()).size());
        }
        assertEquals(
                devices * perDevice * 2,
                given().get("/models/" + model + "/drift").jsonPath().getInt("sampleCount"),
                "each window's 2 rows buffered once");
        GroupCommit.Stats after = intake.stats();
        assertEquals(devices * perDevice * 2L, after.items() - before.items(), "every call went through the commits");
        assertEquals(before.fallbacks(), after.fallbacks(), "no batch failed");
    }

    /**
     * ReportBatch: valid windows are stored and acknowledged in order, an invalid one is refused in its result (naming
     * the field) without failing the others, a repeat of a stored window gets its first acknowledgement; an empty or
     * oversized batch is INVALID_ARGUMENT.
     */
    @Test
    void aBatchStoresItsValidWindowsAndRefusesItsInvalidOnes() {
        String device = "batch-" + UUID.randomUUID();
        TelemetryAck first =
                telemetry.report(summary("b1", device, "alpha", 1, 1).build());
        TelemetryBatchAck reply = telemetry.reportBatch(TelemetryBatch.newBuilder()
                .addWindows(summary("b2", device, "alpha", 1, 2))
                .addWindows(summary("b3", device, "alpha", 1, 3).setInferenceCount(-4))
                .addWindows(summary("b1", device, "alpha", 1, 1))
                .addWindows(summary("b4", device, "alpha", 1, 4))
                .build());
        assertEquals(
                List.of("b2-" + device, "b3-" + device, "b1-" + device, "b4-" + device),
                reply.getResultsList().stream()
                        .map(TelemetryBatchResult::getWindowId)
                        .toList());
        assertTrue(reply.getResults(0).getAck().getAccepted());
        assertEquals("", reply.getResults(0).getRefused());
        assertTrue(
                reply.getResults(1).getRefused().contains("inference_count"),
                reply.getResults(1).getRefused());
        assertFalse(reply.getResults(1).hasAck());
        assertEquals(first, reply.getResults(2).getAck(), "a repeat gets its first acknowledgement");
        assertTrue(reply.getResults(3).getAck().getAccepted());
        assertEquals(List.of("b4", "b2", "b1"), ids(list(device).build()), "the invalid window is not stored");

        StatusRuntimeException empty = assertThrows(
                StatusRuntimeException.class, () -> telemetry.reportBatch(TelemetryBatch.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertEquals(
                "windows must hold 1 to 100 windows, not 0", empty.getStatus().getDescription());
        TelemetryBatch.Builder tooMany = TelemetryBatch.newBuilder();
        for (int i = 0; i < 101; i++) {
            tooMany.addWindows(summary("many" + i, device, "alpha", 1, 5));
        }
        StatusRuntimeException over =
                assertThrows(StatusRuntimeException.class, () -> telemetry.reportBatch(tooMany.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, over.getStatus().getCode());
        assertEquals(3, ids(list(device).build()).size(), "nothing of a refused batch is stored");
    }

    @Test
    void badSourcesAndNegativeClientErrorsAreRefused() {
        TelemetryWindow ok = summary("bad-src", "dev-bad", "alpha", 1, 1).build();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> telemetry.report(ok.toBuilder()
                        .setSource("replay")
                        .setClientErrorCount(-1)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("source must be"),
                e.getStatus().getDescription());
        assertTrue(
                e.getStatus().getDescription().contains("client_error_count must be between 0 and"),
                e.getStatus().getDescription());
    }

    private static Instant end(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    /** A window of 10 inferences ending at minute {@code minute}, with a 2-row sample of 2 features. */
    private static TelemetryWindow.Builder summary(String id, String device, String model, int version, int minute) {
        return TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + device)
                .setDeviceId(device)
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId(model + "-v" + version + "-cpu-fp32")
                .setDeploymentId("dep-" + model)
                .setWindowStart(ProtoTime.of(end(minute).minusSeconds(60)))
                .setWindowEnd(ProtoTime.of(end(minute)))
                .setInferenceCount(10)
                .setFeatureCount(2)
                .setSampleCount(2)
                .addInputSample(0.5f)
                .addInputSample(1.5f)
                .addInputSample(2.5f)
                .addInputSample(3.5f)
                .putPredictedClassCounts("normal", 10)
                .setLatencyP50Us(12)
                .setLatencyP99Us(30);
    }

    private void report(TelemetryWindow.Builder w) {
        assertTrue(telemetry.report(w.build()).getAccepted());
    }

    private static ListWindowsRequest.Builder list(String device) {
        return ListWindowsRequest.newBuilder().setDeviceId(device);
    }

    private List<String> ids(ListWindowsRequest request) {
        return telemetry.listWindows(request).getWindowsList().stream()
                .map(w -> w.getWindowId().substring(0, w.getWindowId().indexOf('-')))
                .toList();
    }

    private void assertInvalid(ListWindowsRequest r, String expected) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> telemetry.listWindows(r));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains(expected), e.getStatus().getDescription());
    }

    private static void publishDeployed(String model) {
        Deployed event = Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", UUID.randomUUID().toString(), ""))
                .setDeploymentId("dep-" + model)
                .setModelName(model)
                .setModelVersion(1)
                .setVariantId(model + "-v1-cpu-fp32")
                .addDeviceIds("gate-dev")
                .setDevicesTargeted(1)
                .setDevicesActive(1)
                .setSnapshotId(model + "@v1")
                .setPhase("completed")
                .build();
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOYED, model, event.toByteArray()))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish Deployed", e);
        }
    }
}
