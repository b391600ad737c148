package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.events.v1.SampleLabelled;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * SampleLabelled on Kafka (ground truth for a captured device input, published by monitoring) adds a labelled sample
 * to the dataset; a corrected label relabels it; a redelivery changes nothing; inputs that do not fit go to the DLQ.
 */
@QuarkusTest
class SampleLabelledConsumerTest {
    private static byte[] labelled(String dataset, String eventId, String inference, List<Float> x, String label) {
        return SampleLabelled.newBuilder()
                .setMeta(Events.newMeta("monitoring-service", "c-" + eventId, "").toBuilder()
                        .setEventId(eventId))
                .setDatasetName(dataset)
                .setModelName(dataset)
                .setModelVersion(1)
                .setInferenceId(inference)
                .setDeviceId("edge-9")
                .addAllFeatures(x)
                .setLabel(label)
                .setPredictedLabel("normal")
                .setConfidence(0.41f)
                .build()
                .toByteArray();
    }

    private static List<Map<String, Object>> samples(String dataset) {
        return given().get("/datasets/" + dataset + "/samples")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("samples");
    }

    @Test
    void feedbackBecomesALabelledSampleAndACorrectionRelabelsIt() throws Exception {
        String ds = "feedback-a";
        TestSupport.createDataset(ds, 3);
        TestSupport.produce(Topics.SAMPLE_LABELLED, ds, labelled(ds, "sl-1", "inf-1", List.of(1f, 2f, 3f), "bearing"));
        TestSupport.await(
                "the feedback sample", Duration.ofSeconds(30), () -> samples(ds).size() == 1);
        Map<String, Object> s = samples(ds).get(0);
        assertEquals("bearing", s.get("label"));
        assertEquals("feedback:" + ds + "/inf-1", s.get("source"));
        assertEquals(
                List.of(1.0f, 2.0f, 3.0f),
                ((List<?>) s.get("features"))
                        .stream().map(v -> ((Number) v).floatValue()).toList());

        // a redelivery (same event id) adds nothing; a correction relabels the same sample, with history
        TestSupport.produce(Topics.SAMPLE_LABELLED, ds, labelled(ds, "sl-1", "inf-1", List.of(1f, 2f, 3f), "bearing"));
        TestSupport.produce(
                Topics.SAMPLE_LABELLED, ds, labelled(ds, "sl-2", "inf-1", List.of(1f, 2f, 3f), "imbalance"));
        TestSupport.await(
                "the corrected label",
                Duration.ofSeconds(30),
                () -> "imbalance".equals(samples(ds).get(0).get("label")));
        assertEquals(1, samples(ds).size());
        List<Map<String, Object>> history = given().get("/datasets/" + ds + "/samples/" + s.get("id") + "/labels")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("changes");
        assertEquals("feedback:edge-9", history.get(history.size() - 1).get("changedBy"));
    }

    @Test
    void feedbackThatDoesNotFitTheDatasetIsDeadLetteredWithTheReason() throws Exception {
        String ds = "feedback-b";
        TestSupport.createDataset(ds, 3);
        TestSupport.produce(Topics.SAMPLE_LABELLED, ds, labelled(ds, "sl-b1", "b-1", List.of(1f, 2f), "normal"));
        TestSupport.produce(Topics.SAMPLE_LABELLED, ds, labelled(ds, "sl-b2", "b-2", List.of(1f, 2f, 3f), "nope"));
        TestSupport.produce(
                Topics.SAMPLE_LABELLED, "feedback-none", labelled("feedback-none", "sl-b3", "b-3", List.of(1f), "x"));
        List<ConsumerRecord<String, byte[]>> dead = TestSupport.consume(
                Topics.deadLetter(Topics.SAMPLE_LABELLED),
                r -> r.key().equals(ds) || r.key().equals("feedback-none"),
                seen -> seen.size() == 3,
                Duration.ofSeconds(30));
        assertEquals(3, dead.size());
        List<String> reasons = dead.stream()
                .map(r -> new String(
                        r.headers().lastHeader("dead-letter-reason").value(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
        assertTrue(reasons.stream().anyMatch(m -> m.contains("features")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(m -> m.contains("nope")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(m -> m.contains("feedback-none")), reasons.toString());
        assertEquals(0, samples(ds).size(), "nothing half-written");
    }
}
