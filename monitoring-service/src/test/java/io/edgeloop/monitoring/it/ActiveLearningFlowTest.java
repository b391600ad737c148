package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.JobRecord;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.monitoring.domain.CapturedSamples;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.edgeloop.proto.events.v1.SampleLabelled;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Active learning over real Kafka and PostgreSQL: the inputs a device captured with uncertain inferences are published
 * as {@code SampleCaptured} (dataset from the version's lineage, model, version, device, inference id, input, the
 * served version's predicted label and confidence), once per inference even when the window is sent again; synthetic
 * windows, versions without a dataset and versions the registry does not know publish nothing; ground truth fed back
 * later for the same inference is published as {@code SampleLabelled} (data-service then labels the same sample).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class ActiveLearningFlowTest {
    private static final List<String> LABELS = SensorSimulator.LABELS;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String model = "al-" + run;
    private final String dataset = "al-data-" + run;
    private final String devA = "al-dev-" + run;

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @Inject
    Jobs jobs;

    @Test
    void capturedInputsBecomeSampleCapturedOncePerInference() throws Exception {
        register(model, 1, dataset);
        Instant at =
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS).minusSeconds(20);
        // al-0 and al-2 carry their inputs (the device was unsure), al-1 does not
        TelemetryWindow w = window(
                "w1",
                model,
                devA,
                at,
                "live",
                List.of(
                        record("al-0", 1, 0.31f, List.of(0.5f, -1.25f, 3f)),
                        record("al-1", 2, 0.95f, List.of()),
                        record("al-2", 3, 0.42f, List.of(4f, 5f, 6f))));
        assertTrue(telemetry.report(w).getAccepted());
        // synthetic inputs have no true label: no sample
        assertTrue(telemetry
                .report(window(
                        "syn", model, devA, at, "synthetic", List.of(record("syn-0", 0, 0.2f, List.of(1f, 1f, 1f)))))
                .getAccepted());

        List<SampleCaptured> events = captured(2);
        assertEquals(
                List.of("al-0", "al-2"),
                events.stream().map(SampleCaptured::getInferenceId).toList());
        SampleCaptured first = events.get(0);
        assertEquals(dataset, first.getDatasetName());
        assertEquals(model, first.getModelName());
        assertEquals(1, first.getModelVersion());
        assertEquals(devA, first.getDeviceId());
        assertEquals(List.of(0.5f, -1.25f, 3f), first.getFeaturesList());
        assertEquals(LABELS.get(1), first.getPredictedLabel());
        assertEquals(0.31f, first.getConfidence());
        assertEquals(at, ProtoTime.toInstant(first.getInferredAt()));
        assertEquals(LABELS.get(3), events.get(1).getPredictedLabel());
        assertEquals(0.42f, events.get(1).getConfidence());

        // the same window again: stored once, no second job, no second event
        assertTrue(telemetry.report(w).getAccepted());
        assertEquals(2, captured(2).size());
        assertEquals(
                JobRecord.Status.DONE,
                jobs.find(CapturedSamples.KIND, w.getWindowId()).orElseThrow().status);
        assertTrue(jobs.find(CapturedSamples.KIND, "syn-" + run).isEmpty(), "no job for a synthetic window");

        // ground truth for al-2 later: SampleLabelled for the same inference (data-service labels the same sample)
        given().contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("inferenceId", "al-2", "label", LABELS.get(0)))))
                .post("/models/" + model + "/feedback")
                .then()
                .statusCode(200);
        List<SampleLabelled> labelled = labelled();
        assertEquals(1, labelled.size());
        assertEquals("al-2", labelled.get(0).getInferenceId());
        assertEquals(LABELS.get(0), labelled.get(0).getLabel());
        assertEquals(devA, labelled.get(0).getDeviceId());
    }

    @Test
    void versionsWithoutADatasetOrUnknownToTheRegistryPublishNothing() throws Exception {
        String uploaded = model + "-up";
        register(uploaded, 1, null);
        Instant at = Instant.now().minusSeconds(10);
        TelemetryWindow w =
                window("up", uploaded, devA, at, "live", List.of(record("up-0", 0, 0.2f, List.of(1f, 2f, 3f))));
        assertTrue(telemetry.report(w).getAccepted());
        await(
                "the job of a version without a dataset",
                () -> jobs.find(CapturedSamples.KIND, w.getWindowId())
                        .map(j -> j.status == JobRecord.Status.DONE)
                        .orElse(false));

        String unknown = model + "-unknown";
        TelemetryWindow u =
                window("unknown", unknown, devA, at, "live", List.of(record("u-0", 0, 0.2f, List.of(1f, 2f, 3f))));
        assertTrue(telemetry.report(u).getAccepted());
        await(
                "the job of a version the registry does not know fails for good",
                () -> jobs.find(CapturedSamples.KIND, u.getWindowId())
                        .map(j -> j.status == JobRecord.Status.FAILED)
                        .orElse(false));
        // the job completes in the transaction that would enqueue the events: the outbox says it all
        List<byte[]> payloads = QuarkusTransaction.requiringNew()
                .call(() ->
                        OutboxEvent.<OutboxEvent>list(
                                        "eventType",
                                        SampleCaptured.getDescriptor().getFullName())
                                .stream()
                                .map(o -> o.payload)
                                .toList());
        List<SampleCaptured> mine = new ArrayList<>();
        for (byte[] p : payloads) {
            SampleCaptured e = SampleCaptured.parseFrom(p);
            if (e.getModelName().equals(uploaded) || e.getModelName().equals(unknown)) {
                mine.add(e);
            }
        }
        assertEquals(List.of(), mine, "no SampleCaptured of either model");
    }

    /** Reads {@code sample-captured} until {@code expected} events of this test's model arrived (then a little more). */
    private List<SampleCaptured> captured(int expected) throws Exception {
        List<ConsumerRecord<String, byte[]>> read = KafkaTestResource.broker()
                .read(
                        Topics.SAMPLE_CAPTURED,
                        records ->
                                records.stream().filter(r -> ofModel(r, model)).count() >= expected,
                        Duration.ofSeconds(60),
                        Duration.ofMillis(1500));
        List<SampleCaptured> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : read) {
            if (ofModel(r, model)) {
                assertEquals(dataset, r.key(), "keyed by dataset");
                assertEquals(
                        SampleCaptured.getDescriptor().getFullName(),
                        new String(r.headers().lastHeader("event-type").value(), StandardCharsets.UTF_8));
                out.add(SampleCaptured.parseFrom(r.value()));
            }
        }
        out.sort(java.util.Comparator.comparing(SampleCaptured::getInferenceId));
        return out;
    }

    private static boolean ofModel(ConsumerRecord<String, byte[]> r, String model) {
        try {
            return SampleCaptured.parseFrom(r.value()).getModelName().equals(model);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return false;
        }
    }

    private List<SampleLabelled> labelled() throws Exception {
        List<byte[]> payloads = QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list(
                                "eventType = ?1 and recordKey = ?2 order by id",
                                SampleLabelled.getDescriptor().getFullName(),
                                dataset)
                        .stream()
                        .map(o -> o.payload)
                        .toList());
        List<SampleLabelled> out = new ArrayList<>();
        for (byte[] p : payloads) {
            out.add(SampleLabelled.parseFrom(p));
        }
        return out;
    }

    private void register(String name, int version, String lineageDataset) {
        ModelVersion.Builder v = ModelVersion.newBuilder()
                .setModelName(name)
                .setVersion(version)
                .addAllClassLabels(LABELS)
                .putMetrics("test_accuracy", 0.9)
                .setFeatureCount(3);
        if (lineageDataset != null) {
            v.setLineage(Lineage.newBuilder().setDatasetName(lineageDataset).setDatasetVersion(1));
        }
        registry.register(v.build());
    }

    private static InferenceRecord record(String id, int predicted, float confidence, List<Float> input) {
        return InferenceRecord.newBuilder()
                .setInferenceId(id)
                .setPredictedClass(predicted)
                .setConfidence(confidence)
                .addAllInput(input)
                .build();
    }

    private TelemetryWindow window(
            String id, String model, String device, Instant at, String source, List<InferenceRecord> records) {
        TelemetryWindow.Builder w = TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + run)
                .setDeviceId(device)
                .setModelName(model)
                .setModelVersion(1)
                .setVariantId("var-1")
                .setInferenceCount(records.size())
                .setSource(source)
                .setWindowStart(ProtoTime.of(at))
                .setWindowEnd(ProtoTime.of(at.plusSeconds(2)));
        for (InferenceRecord r : records) {
            w.addInferences(r.toBuilder().setInferredAt(ProtoTime.of(at)));
        }
        return w.build();
    }
}
