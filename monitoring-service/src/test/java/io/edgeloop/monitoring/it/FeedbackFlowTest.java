package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.telemetry.v1.Feedback;
import io.edgeloop.proto.telemetry.v1.FeedbackServiceGrpc;
import io.edgeloop.proto.telemetry.v1.SubmitFeedbackRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Feedback beyond the performance figures: a label for an inference whose input the device captured is published as a
 * labelled sample of the model's data set (once, and again when corrected), and bad feedback is refused naming the
 * field over REST and gRPC.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class FeedbackFlowTest extends PerformanceFlowTestBase {
    @Test
    void feedbackForACapturedInputIsPublishedAsALabelledSampleOfTheDataset() throws Exception {
        TestTopics.publish(Topics.DATA_READY, FakeDatasetService.DATASET, dataReady());
        await("reference profile", () -> given().get("/references/vibration@v1").statusCode() == 200);
        registry.register(ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(1)
                .addAllClassLabels(LABELS)
                .putMetrics("test_accuracy", 0.9)
                .setFeatureCount(SensorSimulator.featureCount())
                .setLineage(io.edgeloop.proto.registry.v1.Lineage.newBuilder()
                        .setDatasetName(FakeDatasetService.DATASET)
                        .setDatasetVersion(1))
                .build());
        deploy(1);
        // cap-0 was captured by the device (an uncertain inference), cap-1 was not
        TelemetryWindow plain = window("cap", devA, 1, "cap-", 2, Instant.now().minusSeconds(10), "live", 0.4f, 0.95f);
        List<Float> input = List.of(0.5f, -1.25f, 3f);
        TelemetryWindow w = plain.toBuilder()
                .setInferences(0, plain.getInferences(0).toBuilder().addAllInput(input))
                .build();
        report(w);

        List<Map<String, Object>> items = List.of(
                Map.of("inferenceId", "cap-0", "label", LABELS.get(2)),
                Map.of("inferenceId", "cap-1", "label", LABELS.get(1)));
        assertEquals(
                2, feedback(items).then().statusCode(200).extract().jsonPath().getLong("accepted"));
        List<io.edgeloop.proto.events.v1.SampleLabelled> samples = labelledSamples();
        assertEquals(1, samples.size(), "only the captured inference becomes a sample");
        var e = samples.get(0);
        assertEquals(FakeDatasetService.DATASET, e.getDatasetName());
        assertEquals(model, e.getModelName());
        assertEquals(1, e.getModelVersion());
        assertEquals("cap-0", e.getInferenceId());
        assertEquals(devA, e.getDeviceId());
        assertEquals(input, e.getFeaturesList());
        assertEquals(LABELS.get(2), e.getLabel());
        assertEquals(LABELS.get(0), e.getPredictedLabel());
        assertEquals(0.4f, e.getConfidence());

        // the same label again publishes nothing; a corrected label publishes the correction
        feedback(items.subList(0, 1)).then().statusCode(200);
        assertEquals(1, labelledSamples().size());
        feedback(List.of(Map.of("inferenceId", "cap-0", "label", LABELS.get(3))))
                .then()
                .statusCode(200);
        assertEquals(
                List.of(LABELS.get(2), LABELS.get(3)),
                labelledSamples().stream().map(x -> x.getLabel()).toList());

        // an input that is not a number is refused with the window, naming the field
        TelemetryWindow bad = window("capbad", devA, 1, "bad-", 1, Instant.now().minusSeconds(5), "live");
        TelemetryWindow badInput = bad.toBuilder()
                .setInferences(0, bad.getInferences(0).toBuilder().addInput(Float.NaN))
                .build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> telemetry.report(badInput));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("inferences[0].input"));
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        feedback(List.of()).then().statusCode(422).body(containsString("\"items\""));
        feedback(List.of(Map.of("label", "normal")))
                .then()
                .statusCode(422)
                .body(containsString("items[0].inferenceId"));
        feedback(List.of(Map.of("inferenceId", "x", "label", 1.5)))
                .then()
                .statusCode(422)
                .body(containsString("items[0].label"));
        feedback(List.of(Map.of("inferenceId", "x", "label", -1)))
                .then()
                .statusCode(422)
                .body(containsString("items[0].label"));
        given().get("/models/" + model + "/performance?version=abc")
                .then()
                .statusCode(422)
                .body(containsString("\"version\""));
        given().get("/models/" + model + "/performance?version=1&since=yesterday")
                .then()
                .statusCode(422)
                .body(containsString("\"since\""));
        given().get("/models/" + model + "/performance").then().statusCode(404);

        FeedbackServiceGrpc.FeedbackServiceBlockingStub admin = FeedbackServiceGrpc.newBlockingStub(channel);
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.submit(SubmitFeedbackRequest.newBuilder()
                        .addItems(Feedback.newBuilder().setInferenceId("x").setClassIndex(-1))
                        .addItems(Feedback.newBuilder().setLabel("normal"))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String d = e.getStatus().getDescription();
        assertTrue(
                d.contains("model_name") && d.contains("items[0].class_index") && d.contains("items[1].inference_id"),
                d);
        e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.submit(
                        SubmitFeedbackRequest.newBuilder().setModelName(model).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("items"));
    }

    private List<io.edgeloop.proto.events.v1.SampleLabelled> labelledSamples() throws Exception {
        String type = io.edgeloop.proto.events.v1.SampleLabelled.getDescriptor().getFullName();
        List<byte[]> payloads = QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list(
                                "eventType = ?1 and recordKey = ?2 order by id", type, FakeDatasetService.DATASET)
                        .stream()
                        .map(o -> o.payload)
                        .toList());
        List<io.edgeloop.proto.events.v1.SampleLabelled> out = new ArrayList<>();
        for (byte[] p : payloads) {
            var e = io.edgeloop.proto.events.v1.SampleLabelled.parseFrom(p);
            if (e.getModelName().equals(model)) {
                out.add(e);
            }
        }
        return out;
    }
}
