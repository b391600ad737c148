package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the training service's integration tests share: the gRPC test doubles of its peers (data sets, model registry,
 * artifact store), the topics created on the embedded broker, and helpers to publish {@code DataReady}, read {@code
 * ModelTrained} from the topic or the outbox, start runs over REST, await a run's or an experiment's status and read
 * a run's server-sent progress events. Tests: {@link DataReadyTrainingTest} (event-driven runs, failures, dead
 * letters), {@link TrainingRunsRestTest} (REST runs, snapshot metadata, impulses, progress events, problem details
 * for bad requests) and {@link DistillationAndSearchTest}
 * (distillations, searches, distilling runs). Every subclass carries the same {@code @QuarkusTest} and test resources;
 * surefire forks a JVM per test class here (DJL), so each class boots its own app: few classes keep the suite short.
 */
abstract class TrainingServiceTestBase {
    static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @Inject
    @GrpcService
    FakeArtifactService artifacts;

    @BeforeAll
    static void topics() {
        List<String> topics = new ArrayList<>(Topics.ALL);
        topics.add(Topics.deadLetter(Topics.DATA_READY));
        KafkaTestResource.broker().createTopics(topics);
    }

    /** A run and every progress event it streamed. */
    record RunEvents(String runId, List<JsonNode> events) {}

    /**
     * Defines {@code dataset} (version 1), holds its data until the run's event stream is open, starts a REST run with
     * {@code specJson} and reads its progress events to the end.
     */
    RunEvents runWithProgress(String dataset, String specJson) throws Exception {
        datasets.define(dataset, 1);
        CountDownLatch gate = new CountDownLatch(1);
        datasets.hold(dataset, gate);
        String runId = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":" + specJson + "}")
                .statusCode(202)
                .extract()
                .path("id");
        return new RunEvents(runId, progressEvents(runId, gate));
    }

    static HttpRequest eventsRequest(String runId) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:19082/training-runs/" + runId + "/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", TestAuth.bearer("sse-viewer", Roles.VIEWER))
                .timeout(WAIT)
                .build();
    }

    /**
     * Opens the run's event stream (200, {@code text/event-stream}), lets the run fetch its data ({@code gate}) and
     * reads the stream to its end.
     */
    static List<JsonNode> progressEvents(String runId, CountDownLatch gate) throws Exception {
        var response = HttpClient.newHttpClient()
                .sendAsync(eventsRequest(runId), HttpResponse.BodyHandlers.ofLines())
                .get(30, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        gate.countDown(); // the run may fetch its data now
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        response.body().filter(line -> line.startsWith("data:")).forEach(line -> {
            try {
                events.add(mapper.readTree(line.substring(5).trim()));
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        });
        return events;
    }

    /** The finished experiment at {@code path}. */
    static JsonPath awaitExperiment(String path) {
        return awaitStatus(path, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
    }

    static DataReady dataReady(String dataset, int version, String contentHash) {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(dataset)
                .setDatasetVersion(version)
                .setSnapshotId(dataset + "@v" + version)
                .setContentHash(contentHash)
                .setFeatureCount(8)
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(FakeDatasetService.TRAIN)
                .setValidationCount(FakeDatasetService.VALIDATION)
                .setTestCount(FakeDatasetService.TEST)
                .setTrigger("manual")
                .build();
    }

    static void produce(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaTestResource.broker().bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DATA_READY, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelTrained parse(ConsumerRecord<String, byte[]> r) {
        return parse(r.value());
    }

    static ModelTrained parse(byte[] value) {
        return Events.parse(value, ModelTrained.parser(), ModelTrained::getMeta);
    }

    static List<ConsumerRecord<String, byte[]>> modelTrained(Predicate<ConsumerRecord<String, byte[]>> until) {
        return read(Topics.MODEL_TRAINED, until);
    }

    /** All records of {@code topic} from the beginning, read until one matches {@code until}. */
    static List<ConsumerRecord<String, byte[]>> read(String topic, Predicate<ConsumerRecord<String, byte[]>> until) {
        List<ConsumerRecord<String, byte[]>> all =
                KafkaTestResource.broker().read(topic, read -> read.stream().anyMatch(until), WAIT);
        if (all.stream().noneMatch(until)) {
            throw new AssertionError("no matching record on " + topic + " within " + WAIT + "; read " + all.size());
        }
        return all;
    }

    static JsonPath awaitRun(String runId, Predicate<String> status) {
        return awaitStatus("/training-runs/" + runId, status);
    }

    /** Polls {@code path} every 100 ms until it answers 200 with a {@code status} that matches (at most WAIT). */
    static JsonPath awaitStatus(String path, Predicate<String> status) {
        return Awaitility.await(path + " reaching the expected status")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> given().get(path),
                        r -> r.statusCode() == 200 && status.test(r.jsonPath().getString("status")))
                .jsonPath();
    }

    static ValidatableResponse postJson(String path, String json) {
        return given().contentType(ContentType.JSON).body(json).post(path).then();
    }

    /** The ModelTrained events of a run in the outbox. */
    static List<ModelTrained> enqueued(String runId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list("topic", Topics.MODEL_TRAINED).stream()
                        .map(o -> parse(o.payload))
                        .filter(e -> e.getTrainingRunId().equals(runId))
                        .toList());
    }

    /** The run's ModelTrained event, read from the topic. */
    static ModelTrained published(String runId) {
        return modelTrained(r -> parse(r).getTrainingRunId().equals(runId)).stream()
                .map(TrainingServiceTestBase::parse)
                .filter(e -> e.getTrainingRunId().equals(runId))
                .findFirst()
                .orElseThrow();
    }
}
