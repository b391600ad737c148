package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Learning curves (issue 13): every epoch of a real short training run is stored in order with its figures and
 * attempt, served as JSON and as server-sent events that deliver the epochs as they are stored and complete when the
 * run ends; viewers only.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class TrainingEpochsTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Test
    void everyEpochIsStoredInOrderAndStreamedLiveUntilTheRunEnds() throws Exception {
        String dataset = "vibration-curve";
        datasets.define(dataset, 1);
        CountDownLatch gate = new CountDownLatch(1);
        datasets.hold(dataset, gate);
        String runId = given().contentType(ContentType.JSON)
                .body("{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,"
                        + "\"spec\":{\"maxEpochs\":4,\"patience\":4,\"learningRate\":0.01}}")
                .post("/training-runs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        // opened while the run waits for its data: everything it delivers is live
        var live = HttpClient.newHttpClient()
                .sendAsync(stream(runId), HttpResponse.BodyHandlers.ofLines())
                .get(30, TimeUnit.SECONDS);
        assertEquals(200, live.statusCode());
        assertTrue(live.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        gate.countDown();
        List<JsonNode> streamed = events(live.body()); // returns once the stream completes, i.e. the run ended

        JsonPath run = given().get("/training-runs/" + runId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("SUCCEEDED", run.getString("status"));
        assertEquals(1, run.getInt("attempt"));
        int trained = run.getInt("epochs");
        assertEquals(4, trained);

        JsonNode list = JSON.readTree(given().get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .asString());
        assertEquals(trained, list.size(), list.toString());
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            assertEquals(i + 1, e.get("epoch").asInt(), list.toString());
            assertEquals(i + 1, e.get("seq").asInt());
            assertEquals(1, e.get("attempt").asInt());
            assertEquals(4, e.get("maxEpochs").asInt());
            assertTrue(e.get("trainLoss").asDouble() > 0, e.toString());
            assertTrue(e.get("validationLoss").asDouble() > 0, e.toString());
            double accuracy = e.get("validationAccuracy").asDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, e.toString());
            assertTrue(
                    e.get("learningRate").asDouble() > 0
                            && e.get("learningRate").asDouble() <= 0.01,
                    e.toString());
            assertTrue(e.get("durationSeconds").asDouble() > 0, e.toString());
            assertTrue(e.get("phase").isNull(), e.toString());
        }
        // the last epoch is the run's progress
        assertEquals(
                list.get(trained - 1).get("validationAccuracy").asDouble(),
                run.getDouble("progress.validationAccuracy"),
                1e-9);
        assertEquals(list.toString(), JSON.valueToTree(streamed).toString(), "the stream delivered every epoch");

        // a finished run's stream sends its curve and ends
        var again = HttpClient.newHttpClient().send(stream(runId), HttpResponse.BodyHandlers.ofLines());
        assertEquals(list.toString(), JSON.valueToTree(events(again.body())).toString());
    }

    @Test
    void attemptsAreKeptApartAndBadInputIsAProblem() {
        given().get("/training-runs/" + UUID.randomUUID() + "/epochs")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().header("Accept", "text/event-stream")
                .get("/training-runs/" + UUID.randomUUID() + "/epochs/stream")
                .then()
                .statusCode(404);
        datasets.define("vibration-attempts", 1);
        String runId = given().contentType(ContentType.JSON)
                .body("{\"datasetName\":\"vibration-attempts\",\"datasetVersion\":1,\"spec\":{\"maxEpochs\":2}}")
                .post("/training-runs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        given().queryParam("attempt", "0")
                .get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("attempt"));
        given().queryParam("attempt", "first")
                .get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("attempt"));
        // an attempt that never ran has no epochs
        given().queryParam("attempt", "7")
                .get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void onlyViewersMayReadTheCurve() {
        String path = "/training-runs/" + UUID.randomUUID() + "/epochs";
        for (String p : List.of(path, path + "/stream")) {
            given().header("Authorization", TestAuth.ANONYMOUS)
                    .get(p)
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json");
            given().header("Authorization", TestAuth.bearer("a-device", Roles.DEVICE))
                    .get(p)
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json");
        }
    }

    private static HttpRequest stream(String runId) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:19082/training-runs/" + runId + "/epochs/stream"))
                .header("Accept", "text/event-stream")
                .header("Authorization", TestAuth.bearer("curve-viewer", Roles.VIEWER))
                .timeout(WAIT)
                .build();
    }

    /** The JSON data of every event, read until the stream ends. */
    private static List<JsonNode> events(Stream<String> lines) {
        List<JsonNode> out = new ArrayList<>();
        lines.filter(l -> l.startsWith("data:")).forEach(l -> {
            try {
                out.add(JSON.readTree(l.substring(5).trim()));
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        });
        return out;
    }
}
