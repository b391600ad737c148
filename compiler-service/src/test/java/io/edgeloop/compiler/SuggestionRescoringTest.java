package io.edgeloop.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.ClassScores;
import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.compiler.domain.SuggestionRescorer;
import io.edgeloop.compiler.domain.ValidationSet;
import io.edgeloop.compiler.testing.FakeSuggestionService;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.JobRecord;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.proto.data.v1.CapturedSample;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Active learning's re-scoring with real Kafka, PostgreSQL and ONNX Runtime (data-service and the registry as gRPC
 * doubles): a completed rollout makes the production version's predictions the suggestions of the model's captured
 * inputs, page by page; a rollback re-scores with the version production falls back to, once the registry's alias
 * says so (the job retries until then); other phases start nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class SuggestionRescoringTest extends CompilerTestBase {
    private static final TestModels.Linear BROKEN = LINEAR.swapClasses(0, 1);
    private static final Duration RESCORED = Duration.ofSeconds(60);

    @Inject
    @GrpcService
    FakeSuggestionService suggestions;

    @Inject
    Jobs jobs;

    /** Seven captured readings, suggested by the capturing version {@code by} (all "bearing", unsure). */
    private static List<CapturedSample> captured(ValidationSet data, int by) {
        List<CapturedSample> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            CapturedSample.Builder s = CapturedSample.newBuilder()
                    .setSampleId(String.format("%064x", i + 1))
                    .setScoredByVersion(by)
                    .setSuggestedLabel("bearing")
                    .setConfidence(0.3f);
            for (float f : data.features()[i]) {
                s.addFeatures(f);
            }
            out.add(s.build());
        }
        return out;
    }

    /** The linear model's class probabilities for {@code x}. */
    private static float[] probabilities(TestModels.Linear m, float[] x) {
        float[] logits = m.bias().clone();
        for (int c = 0; c < logits.length; c++) {
            for (int f = 0; f < x.length; f++) {
                logits[c] += x[f] * m.weights()[f][c];
            }
        }
        return ClassScores.toProbabilities(logits);
    }

    private Deployed deployed(String model, int version, DeployedPhase phase) {
        return Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", UUID.randomUUID().toString(), ""))
                .setModelName(model)
                .setModelVersion(version)
                .setRolloutId("r-" + UUID.randomUUID())
                .setPhaseKind(phase)
                .build();
    }

    private void send(Deployed event) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOYED, event.getModelName(), event.toByteArray()))
                    .get();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(RESCORED)
                .pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }

    private static String jobKey(Deployed e) {
        return e.getModelName() + "/" + e.getMeta().getEventId();
    }

    /** Every suggestion is {@code m}'s prediction for the sample, with its probability, scored by {@code version}. */
    private void assertScoredBy(String model, ValidationSet data, TestModels.Linear m, int version) {
        List<CapturedSample> now = suggestions.samples(model, model);
        assertEquals(data.size(), now.size());
        int correct = 0;
        for (int i = 0; i < now.size(); i++) {
            float[] p = probabilities(m, data.features()[i]);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                best = p[c] > p[best] ? c : best;
            }
            CapturedSample s = now.get(i);
            assertEquals(version, s.getScoredByVersion(), s.getSampleId());
            assertEquals(SensorSimulator.LABELS.get(best), s.getSuggestedLabel(), "sample " + i);
            assertEquals(p[best], s.getConfidence(), 1e-4, "sample " + i);
            correct += best == data.labels()[i] ? 1 : 0;
        }
        if (m == LINEAR) {
            assertTrue(correct >= data.size() - 1, correct + " of " + data.size() + " suggestions right");
        }
    }

    @Test
    void aCompletedRolloutMakesTheProductionVersionsPredictionsTheSuggestions() throws Exception {
        String model = "al-complete";
        registerVersion(model, 1, TestModels.gemmSoftmax(BROKEN), "c-1", "");
        registerVersion(model, 2, TestModels.gemmSoftmax(LINEAR), "c-2", "");
        ValidationSet data = TestModels.data(77, 7);
        suggestions.put(model, model, SensorSimulator.LABELS, captured(data, 1));
        registry.setAlias(model, "production", 2);

        Deployed wave = deployed(model, 2, DeployedPhase.DEPLOYED_PHASE_WAVE);
        send(wave);
        Deployed completed = deployed(model, 2, DeployedPhase.DEPLOYED_PHASE_COMPLETED);
        send(completed);
        await(
                "v2 scored every captured input",
                () -> suggestions.samples(model, model).stream().allMatch(s -> s.getScoredByVersion() == 2));
        assertScoredBy(model, data, LINEAR, 2);
        long calls = suggestions.rescores().stream()
                .filter(r -> r.getModelName().equals(model))
                .peek(r -> assertEquals(model, r.getDatasetName(), "the version's lineage names the data set"))
                .count();
        assertEquals(4, calls, "7 inputs in pages of 2");
        assertTrue(jobs.find(SuggestionRescorer.JOB_KIND, jobKey(wave)).isEmpty(), "a wave re-scores nothing");
        await(
                "the job done",
                () -> jobs.find(SuggestionRescorer.JOB_KIND, jobKey(completed))
                        .map(j -> j.status == JobRecord.Status.DONE)
                        .orElse(false));
    }

    @Test
    void aRollbackRescoresWithTheVersionProductionFallsBackToOnceTheRegistrySaysSo() throws Exception {
        String model = "al-rollback";
        registerVersion(model, 1, TestModels.gemmSoftmax(LINEAR), "c-1", "");
        registerVersion(model, 2, TestModels.gemmSoftmax(BROKEN), "c-2", "");
        ValidationSet data = TestModels.data(78, 7);
        suggestions.put(model, model, SensorSimulator.LABELS, captured(data, 2));
        // the registry has not applied the rollback yet: production still names the rolled-back version
        registry.setAlias(model, "production", 2);
        Deployed rolledBack = deployed(model, 2, DeployedPhase.DEPLOYED_PHASE_ROLLED_BACK);
        send(rolledBack);
        await(
                "a first attempt that waits for the registry",
                () -> jobs.find(SuggestionRescorer.JOB_KIND, jobKey(rolledBack))
                        .map(j -> j.attempts >= 1 && j.status == JobRecord.Status.QUEUED)
                        .orElse(false));
        assertTrue(
                suggestions.rescores().stream().noneMatch(r -> r.getModelName().equals(model)),
                "nothing re-scored with the rolled-back version");

        registry.setAlias(model, "production", 1);
        await(
                "v1 scored every captured input",
                () -> suggestions.samples(model, model).stream().allMatch(s -> s.getScoredByVersion() == 1));
        assertScoredBy(model, data, LINEAR, 1);
    }
}
