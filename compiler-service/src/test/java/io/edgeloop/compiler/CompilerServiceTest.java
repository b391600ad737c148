package io.edgeloop.compiler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.compiler.testing.FakeArtifactService;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * ModelTrained events from Kafka: compiled, validated, registered and announced as ModelOptimized; a redelivered event
 * compiled once, a malformed model failed without an event, and unusable records sent to the dead-letter topic.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class CompilerServiceTest extends CompilerServiceTestBase {
    @Test
    void modelTrainedIsCompiledValidatedRegisteredAndAnnounced() throws Exception {
        Setup s = setUp("vibration", TestModels.gemmSoftmax(LINEAR));
        ModelTrained event = trained(s);
        send(event);

        ModelOptimized e = awaitOptimized(
                o -> o.getMeta().getCausationId().equals(event.getMeta().getEventId()));

        assertEquals("compiler-service", e.getMeta().getProducer());
        assertEquals(event.getMeta().getCorrelationId(), e.getMeta().getCorrelationId());
        assertEquals("vibration", e.getModelName());
        assertEquals(1, e.getModelVersion());
        assertEquals("vibration@v1", e.getSnapshotId());
        double expected = expectedAccuracy(s.validation());
        assertTrue(expected > 0.85, "the test model itself is good: " + expected);
        assertEquals(expected, e.getFloatAccuracy(), 1e-9);
        // this linear model reads raw, unnormalized features: one per-tensor int8 scale for all of them costs far
        // more than the budget, so the int8 variants are rejected (and pruning half its 32 weights too)
        assertEquals(
                List.of("cpu-fp32-ortopt", "cpu-ort-format"),
                e.getVariantsList().stream().map(VariantSummary::getTarget).toList());
        List<AddVariantRequest> calls = registry.addVariantCalls("vibration");
        assertEquals(e.getVariantsCount(), calls.size());
        for (VariantSummary v : e.getVariantsList()) {
            if (v.getQuantization().equals("none")) {
                assertTrue(v.getMaxAbsDiff() < 1e-4, v.toString());
                assertEquals(1.0, v.getArgmaxAgreement());
                assertEquals(expected, v.getAccuracy(), 1e-9);
                assertEquals(0.0, v.getAccuracyDelta(), 1e-9);
            } else {
                assertTrue(v.getAccuracyDelta() >= -0.01, v.toString());
                assertEquals(expected + v.getAccuracyDelta(), v.getAccuracy(), 1e-9);
            }
            assertTrue(v.getOpset() >= 13, v.toString());
            assertEquals(
                    v.getTarget().startsWith("cpu-fp32") || v.getTarget().equals("cpu-ort-format")
                            ? "cpu-fp32"
                            : v.getTarget().startsWith("cpu-int8") ? "cpu-int8" : v.getTarget(),
                    v.getEstimate().getTargetProfile());
            assertTrue(v.getEstimate().getFits() && v.getEstimate().getMacs() == 8 * 4, v.toString());
            assertEquals(v.getSizeBytes(), v.getEstimate().getFlashBytes());
            assertTrue(v.getLatencyP50Us() > 0 && v.getLatencyP99Us() >= v.getLatencyP50Us());
            FakeArtifactService.Stored stored = artifacts.get(v.getArtifactSha256());
            assertNotNull(stored, "variant uploaded");
            assertEquals(v.getArtifactSha256(), Hashing.sha256Hex(stored.bytes()));
            assertEquals(stored.bytes().length, v.getSizeBytes());
            assertEquals(v.getFormat().equals("ort") ? "application/x-ort" : "application/onnx", stored.mediaType());
            AddVariantRequest call = calls.stream()
                    .filter(c -> c.getTarget().equals(v.getTarget()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(v.getArtifactSha256(), call.getArtifactSha256());
            assertEquals(v.getAccuracy(), call.getMetricsOrThrow("accuracy"));
            assertEquals(v.getLatencyP50Us(), call.getMetricsOrThrow("latency_p50_us"));
            assertEquals(s.validation().size(), call.getMetricsOrThrow("validation_samples"));
            assertEquals("EXTENDED_OPT", call.getSettingsOrThrow("optimization_level"));
            assertEquals(s.sha(), call.getSettingsOrThrow("source_sha256"));
        }
        VariantSummary ortopt = e.getVariantsList().stream()
                .filter(v -> v.getTarget().equals("cpu-fp32-ortopt"))
                .findFirst()
                .orElseThrow();
        assertEquals(ortopt.getVariantId(), e.getRecommendedVariantId());
        assertEquals(SensorSimulator.LABELS, e.getClassLabelsList());
        assertEquals("features", ortopt.getSignature().getFeatureInput());
        assertEquals("classification", ortopt.getSignature().getOutputKind());
        assertEquals(List.of(-1L, 8L), ortopt.getSignature().getInputs(0).getShapeList());
        assertEquals(13, ortopt.getSignature().getOpset());
        // no TEST split and no production version: evidence on the validation split, no champion
        assertEquals("validation", e.getPromotion().getSplit());
        assertEquals(s.validation().size(), e.getPromotion().getSampleCount());
        assertEquals(expected, e.getPromotion().getCandidateAccuracy(), 1e-9);
        assertEquals(0, e.getPromotion().getChampionVersion());
        assertTrue(e.getPromotion().getClassification());
        assertTrue(e.getVariantsList().stream()
                .anyMatch(v ->
                        v.getTarget().equals("cpu-ort-format") && v.getFormat().equals("ort")));

        String id = compilationsOf("vibration").get(0).id;
        given().get("/compilations?model=vibration")
                .then()
                .statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].id", equalTo(id));
        given().get("/compilations/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("trigger", equalTo("event"))
                .body("causationEventId", equalTo(event.getMeta().getEventId()))
                .body("eventId", equalTo(e.getMeta().getEventId()))
                .body("validationSamples", equalTo(s.validation().size()))
                .body("floatModel.graphNodes", equalTo(2))
                .body("recommendedVariantId", equalTo(ortopt.getVariantId()))
                .body("variants.status", hasItems("ACCEPTED", "ACCEPTED"))
                .body("variants.target", hasItems("cpu-fp32-ortopt", "cpu-ort-format", "cpu-int8", "mcu-int8"))
                .body("variants.find { it.target == 'cpu-int8' }.status", equalTo("REJECTED"))
                .body(
                        "variants.find { it.target == 'cpu-int8' }.reason",
                        containsString("points below the float model"))
                .body("variants.find { it.target == 'cpu-int8' }.quantization", equalTo("int8-static-qdq"))
                .body("variants.find { it.target == 'cpu-int8' }.variantId", equalTo(null))
                .body("variants.find { it.target == 'mcu-int8' }.estimate.fits", equalTo(true))
                .body("variants.find { it.target == 'cpu-fp32-pruned' }.sparsity", equalTo(0.5f));
    }

    @Test
    void aRedeliveredEventIsCompiledOnceAndAMalformedModelFailsWithoutAnEvent() throws Exception {
        Setup good = setUp("dedupe", TestModels.gemmSoftmax(LINEAR));
        Setup bad = setUp("garbage", "definitely not onnx".getBytes());
        ModelTrained event = trained(good);
        send(event);
        send(event); // redelivery
        send(trained(bad));

        // one partition, processed in order: once the malformed model's failure is recorded, both copies were handled
        Compilation failed = await(
                "the malformed model's compilation",
                () -> compilationsOf("garbage").stream().findFirst());
        assertEquals("FAILED", failed.status.name());
        assertTrue(failed.failureReason.contains("is not a model ONNX Runtime can load"), failed.failureReason);
        assertEquals(null, failed.eventId);
        assertEquals(1, compilationsOf("dedupe").size());
        Compilation dedupe = compilationsOf("dedupe").get(0);
        assertEquals(
                dedupe.variants.stream().filter(v -> v.accepted).count(),
                registry.addVariantCalls("dedupe").size());
        long events = QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count("recordKey", "garbage"));
        assertEquals(0, events, "no ModelOptimized for the malformed model");
        given().get("/compilations/" + failed.id)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("failureReason", containsString("ONNX Runtime"))
                .body("variants.size()", equalTo(0));
    }

    @Test
    void unusableRecordsGoToTheDeadLetterTopic() throws Exception {
        ModelTrained noName = ModelTrained.newBuilder()
                .setMeta(Events.newMeta("training-service", "", ""))
                .setModelVersion(1)
                .build();
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_TRAINED, "poison", "not protobuf".getBytes()))
                    .get();
            producer.send(new ProducerRecord<>(Topics.MODEL_TRAINED, "no-name", noName.toByteArray()))
                    .get();
        }
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetter(Topics.MODEL_TRAINED)));
            List<String> keys = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && !keys.containsAll(List.of("poison", "no-name"))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            assertTrue(keys.containsAll(List.of("poison", "no-name")), "dead letters: " + keys);
        }
        assertTrue(compilationsOf("").isEmpty());
    }
}
