package io.edgeloop.console.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A training run's page against the stubbed training-service: the learning curve (drawn from the stored epochs, live
 * while the run runs), the hyperparameters, the kept confusion matrix, and the curve as JSON and as server-sent events
 * proxied with the user's token (the stubs require viewer, so answers prove it was forwarded).
 */
@QuarkusTest
class TrainingPagesTest {
    private static final String VIEWER = TestAuth.bearer("alice", "viewer");

    @Test
    void aFinishedRunShowsItsCurveHyperparametersAndConfusionMatrix() {
        given().header("Authorization", VIEWER)
                .get("/training/run-2")
                .then()
                .statusCode(200)
                .contentType(ContentType.HTML)
                .body(allOf(
                        containsString("id=\"learning-curve\""),
                        containsString("data-live=\"false\""),
                        containsString("data-curve=\"{&quot;attempt&quot;:1,&quot;epochs&quot;:[{&quot;attempt&quot;:1,"
                                + "&quot;seq&quot;:1,&quot;phase&quot;:null,&quot;epoch&quot;:1,"),
                        containsString("12 epochs of attempt 1, lowest validation loss 0.1500 at epoch 11"),
                        not(containsString("(live:")),
                        containsString("<tr><th>architecture</th><td>cnn1d</td></tr>"),
                        containsString("<tr><th>hiddenUnits</th><td>[16, 32]</td></tr>"),
                        containsString("<tr><th>learningRate</th><td>0.01</td></tr>"),
                        containsString("<tr><th>impulse</th><td>{block=mfe, frameLength=32}</td></tr>"),
                        containsString("id=\"confusion\""),
                        containsString("<th>up</th><td class=\"diag\" style=\"--shade: 95%\">19</td>"),
                        containsString("id=\"per-class\""),
                        containsString("epoch 12 of 12"),
                        containsString("/training/' + encodeURIComponent(runId) + '/epochs/stream")));
    }

    @Test
    void aRunningRunFollowsItsEpochsLive() {
        given().header("Authorization", VIEWER)
                .get("/training/" + TrainingStubs.LIVE)
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("data-live=\"true\""),
                        containsString("(live: updated as each epoch finishes)"),
                        containsString("RUNNING")));
    }

    @Test
    void theCurveAsJsonForThePagesPolling() {
        given().header("Authorization", VIEWER)
                .get("/training/" + TrainingStubs.LIVE + "/epochs")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("status", equalTo("RUNNING"))
                .body("epochs.size()", equalTo(12))
                .body("epochs[0].epoch", equalTo(1))
                .body("epochs[10].validationLoss", equalTo(0.15f));
        given().header("Authorization", VIEWER)
                .get("/training/run-404/epochs")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().header("Authorization", VIEWER)
                .get("/training/bad%20id/epochs")
                .then()
                .statusCode(400);
    }

    @Test
    void theStreamIsProxiedWithTheUsersTokenAndEndsWithTheRun() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient()
                .send(stream(TrainingStubs.LIVE, VIEWER), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> epochs = new ArrayList<>();
        response.body().filter(l -> l.startsWith("data:")).forEach(l -> {
            try {
                epochs.add(json.readTree(l.substring(5).trim()));
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        });
        assertEquals(12, epochs.size(), epochs.toString());
        for (int i = 0; i < epochs.size(); i++) {
            assertEquals(i + 1, epochs.get(i).get("epoch").asInt());
            assertEquals(1, epochs.get(i).get("attempt").asInt());
        }
        assertEquals(0.15, epochs.get(10).get("validationLoss").asDouble(), 1e-9);

        assertEquals(404, status(stream("run-404", VIEWER)));
        assertEquals(400, status(stream("bad%20id", VIEWER)));
        assertEquals(401, status(stream("run-2", TestAuth.ANONYMOUS)));
        assertEquals(403, status(stream("run-2", TestAuth.bearer("d-1", "device"))));
    }

    private static int status(HttpRequest request) throws Exception {
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static HttpRequest stream(String runId, String authorization) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:19080/training/" + runId + "/epochs/stream"))
                .header("Accept", "text/event-stream")
                .header("Authorization", authorization)
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}
