package io.edgeloop.console.events;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The overview's live event stream against a real (in-process) Kafka broker: real protobuf events published to the
 * event topics appear on the overview, newest first, linked to the pages of the objects they are about and to their
 * trace; the server-sent-event stream replays the kept events after a sequence number and delivers a newly published
 * one; a poison record is skipped without stopping the reader.
 */
@QuarkusTest
@TestProfile(EventStreamTest.WithTraceUi.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventStreamTest {
    private static final String VIEWER = TestAuth.bearer("alice", "viewer");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A trace UI is configured, so trace ids are links. */
    public static class WithTraceUi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("edgeloop.console.trace-url", "http://zipkin.test:9411/zipkin/traces/{traceId}");
        }
    }

    private static final io.edgeloop.proto.events.v1.DataReady READY = TestEvents.dataReady(0);
    private static final io.edgeloop.proto.events.v1.ModelTrained TRAINED = TestEvents.modelTrained(1);
    private static final io.edgeloop.proto.events.v1.ModelOptimized OPTIMIZED = TestEvents.modelOptimized(2);
    private static final io.edgeloop.proto.events.v1.Deployed DEPLOYED = TestEvents.deployed(3);
    private static final DriftDetected DRIFT = TestEvents.driftDetected(4, TestEvents.traceId(2));

    @BeforeAll
    static void topics() {
        KafkaTestResource.broker().createTopics(Topics.ALL);
    }

    @Test
    @Order(1)
    void theOverviewListsPublishedEventsNewestFirstWithLinksAndTraces() throws Exception {
        Map<String, Object> kafka = KafkaTestResource.broker().adminClientConfig();
        // published in the reverse of the loop's order: the page orders them by when they occurred
        TestEvents.publish(kafka, Topics.DRIFT_DETECTED, DRIFT, DRIFT.getMeta().getEventId());
        TestEvents.publishPoison(kafka, Topics.DATA_READY);
        TestEvents.publish(kafka, Topics.DEPLOYED, DEPLOYED, DEPLOYED.getMeta().getEventId());
        TestEvents.publish(
                kafka, Topics.MODEL_OPTIMIZED, OPTIMIZED, OPTIMIZED.getMeta().getEventId());
        TestEvents.publish(
                kafka, Topics.MODEL_TRAINED, TRAINED, TRAINED.getMeta().getEventId());
        TestEvents.publish(kafka, Topics.DATA_READY, READY, READY.getMeta().getEventId());

        List<String> ids = List.of(
                READY.getMeta().getEventId(),
                TRAINED.getMeta().getEventId(),
                OPTIMIZED.getMeta().getEventId(),
                DEPLOYED.getMeta().getEventId(),
                DRIFT.getMeta().getEventId());
        await().atMost(WAIT).until(() -> {
            String page = overview();
            return ids.stream().allMatch(page::contains);
        });
        String page = given().header("Authorization", VIEWER)
                .get("/")
                .then()
                .statusCode(200)
                .contentType(ContentType.HTML)
                .body(allOf(
                        containsString("Live: reading data-ready, model-trained, model-optimized, deployed,"
                                + " drift-detected"),
                        containsString("<td class=\"type\">DataReady</td><td class=\"about\">"
                                + "<a href=\"/datasets/motion\">data set motion</a></td>"),
                        containsString("<td class=\"about\"><a href=\"/models/motion?version=3\">model motion v3</a>"
                                + " · <a href=\"/training/run-7\">training run run-7</a>"
                                + " · <a href=\"/datasets/motion\">data set motion</a></td>"),
                        containsString("<a href=\"/fleet#rollout-r-1\">rollout r-1</a>"),
                        containsString("<td class=\"about\"><a href=\"/monitoring/motion\">drift of motion</a>"),
                        containsString("<td class=\"time\">2026-12-07 03:04:00Z</td><td class=\"type\">"
                                + "DriftDetected</td>"),
                        containsString("<td class=\"trace\"><a href=\"http://zipkin.test:9411/zipkin/traces/"
                                + TestEvents.traceId(2) + "\">" + TestEvents.traceId(2) + "</a></td>"),
                        containsString("score 0.3100 against threshold 0.2000")))
                .extract()
                .asString();
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(
                    page.indexOf(ids.get(i)) < page.indexOf(ids.get(i - 1)),
                    "the latest to occur first: " + ids.get(i) + " before " + ids.get(i - 1));
        }
        JsonNode recent = JSON.readTree(given().header("Authorization", VIEWER)
                .accept(ContentType.JSON)
                .get("/events")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertEquals(5, recent.size(), "the poison record is skipped: " + recent);
        assertEquals("DriftDetected", recent.get(0).get("type").asText());
        assertEquals(DRIFT.getMeta().getEventId(), recent.get(0).get("eventId").asText());
        assertEquals("/monitoring/motion", recent.get(0).at("/links/0/href").asText());
    }

    @Test
    @Order(2)
    void theStreamReplaysAfterASequenceNumberThenDeliversANewEvent() throws Exception {
        await().atMost(WAIT).until(() -> overview().contains(DRIFT.getMeta().getEventId()));
        long last = 0;
        for (JsonNode e : JSON.readTree(given().header("Authorization", VIEWER)
                .accept(ContentType.JSON)
                .get("/events")
                .asString())) {
            last = Math.max(last, e.get("seq").asLong());
        }
        try (Sse replay = Sse.open("/events/stream?after=0", VIEWER);
                Sse live = Sse.open("/events/stream?after=" + last, VIEWER)) {
            assertEquals(200, replay.status());
            assertEquals(200, live.status(), "the stream opens before any new event (a browser's 'open')");
            for (int i = 0; i < 5; i++) {
                JsonNode e = replay.next();
                assertEquals(i + 1, e.get("seq").asLong(), "every kept event, in arrival order: " + e);
            }
            DriftDetected fresh = TestEvents.driftDetected(9, TestEvents.traceId(3));
            TestEvents.publish(
                    KafkaTestResource.broker().adminClientConfig(),
                    Topics.DRIFT_DETECTED,
                    fresh,
                    fresh.getMeta().getEventId());
            JsonNode e = live.next();
            assertEquals(fresh.getMeta().getEventId(), e.get("eventId").asText(), "the new event, nothing before");
            assertEquals(last + 1, e.get("seq").asLong());
            assertEquals("DriftDetected", e.get("type").asText());
            assertEquals("2026-12-07 03:09:00Z", e.get("time").asText());
            assertEquals("/monitoring/motion", e.at("/links/0/href").asText());
            assertEquals(
                    "http://zipkin.test:9411/zipkin/traces/" + TestEvents.traceId(3),
                    e.get("traceUrl").asText());
            assertEquals(Long.toString(last + 1), live.lastId(), "the SSE id is the sequence number");
            assertEquals(
                    fresh.getMeta().getEventId(), replay.next().get("eventId").asText(), "replay goes live too");
        }
    }

    @Test
    @Order(3)
    void theStreamNeedsAViewerAndANumber() throws Exception {
        given().header("Authorization", VIEWER)
                .get("/events/stream?after=abc")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("after"));
        given().header("Authorization", TestAuth.ANONYMOUS)
                .accept("*/*")
                .get("/events/stream")
                .then()
                .statusCode(401);
        given().header("Authorization", TestAuth.bearer("edge-009", "device"))
                .get("/events")
                .then()
                .statusCode(403);
    }

    private static String overview() {
        return given().header("Authorization", VIEWER).get("/").then().extract().asString();
    }

    /** A server-sent-event stream read line by line in the background. */
    private static final class Sse implements AutoCloseable {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> status = new CompletableFuture<>();
        private final CompletableFuture<HttpResponse<Void>> response;
        private volatile Flow.Subscription subscription;
        private String lastId;

        private Sse(String path, String authorization) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:19080" + path))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", authorization)
                    .build();
            response = HttpClient.newHttpClient().sendAsync(request, info -> {
                status.complete(info.statusCode());
                return HttpResponse.BodySubscribers.fromLineSubscriber(lineReader());
            });
        }

        private Flow.Subscriber<String> lineReader() {
            return new Flow.Subscriber<String>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String line) {
                    lines.add(line);
                }

                @Override
                public void onError(Throwable t) {
                    lines.add("error: " + t);
                }

                @Override
                public void onComplete() {
                    lines.add("complete:");
                }
            };
        }

        static Sse open(String path, String authorization) {
            return new Sse(path, authorization);
        }

        int status() throws Exception {
            return status.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        /** The next event's data as JSON (waits for it). */
        JsonNode next() throws Exception {
            while (true) {
                String line = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(line != null, "no event within " + WAIT);
                assertTrue(!line.startsWith("error:") && !line.startsWith("complete:"), "stream ended: " + line);
                if (line.startsWith("id:")) {
                    lastId = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    return JSON.readTree(line.substring(5).trim());
                }
            }
        }

        String lastId() {
            return lastId;
        }

        @Override
        public void close() {
            if (subscription != null) {
                subscription.cancel();
            }
            response.cancel(true);
        }
    }
}
