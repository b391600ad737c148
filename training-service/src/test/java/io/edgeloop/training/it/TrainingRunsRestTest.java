package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Training runs started over REST: an on-demand run survives a registry outage (retried with the run's idempotency
 * key) and reports who asked for it; a run takes the data kind, shape and sample rate from the snapshot; GRU with
 * augmentation and a spectral impulse are reported in the run's spec; progress and completion stream as server-sent
 * events.
 * Also how {@code POST /training-runs} (and {@code /searches}) refuse bad requests: problem details (422 naming
 * every bad field, 400 for a body that is no object, 404 for an unknown snapshot or run) for missing and malformed
 * fields, unknown fields, specs, augmentations, impulses, normalization and class weights.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class TrainingRunsRestTest extends TrainingServiceTestBase {
    @Test
    void onDemandRunOverRestSurvivesRegistryOutage() {
        String dataset = "vibration-api";
        datasets.define(dataset, 3);
        registry.faults()
                .failNext(
                        ModelRegistryGrpc.getRegisterVersionMethod(),
                        2,
                        Status.UNAVAILABLE.withDescription("injected outage"));
        String location = given().header("Authorization", TestAuth.bearer("alice", Roles.ML))
                .contentType(ContentType.JSON)
                .body("{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":0}")
                .post("/training-runs")
                .then()
                .statusCode(202)
                .header("Location", containsString("/training-runs/"))
                .body("status", equalTo("QUEUED"))
                .body("trigger", equalTo("api"))
                .body("requestedBy", equalTo("alice"))
                .body("datasetVersion", equalTo(3)) // 0 = latest, resolved
                .body("snapshotId", equalTo(dataset + "@v3"))
                .extract()
                .header("Location");
        String runId = location.substring(location.lastIndexOf('/') + 1);
        JsonPath run = awaitRun(runId, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertTrue(run.getDouble("test.accuracy") > 0.8, run.prettify());
        assertTrue(run.getDouble("validation.macroF1") > 0.8, run.prettify());
        assertEquals(1, run.getInt("modelVersion"));
        // two injected UNAVAILABLE answers, then success: retried with the same idempotency key
        List<RegisterVersionRequest> calls = registry.requestsForRun(runId);
        assertEquals(3, calls.size());
        assertTrue(calls.stream().allMatch(c -> c.getIdempotencyKey().equals(runId)));
        ModelTrained event = enqueued(runId).get(0);
        assertEquals("", event.getMeta().getCausationId());
        assertEquals(run.getString("artifactSha256"), event.getArtifactSha256());
        // a run without distillationTemperature does not distill
        assertFalse(event.hasDistillation());
        assertNull(run.get("distillation"));
        assertNull(run.get("progress.phase"));
        assertFalse(calls.get(2).getMetricsMap().containsKey("teacher_test_accuracy"));
    }

    @Test
    void restRunTakesTheDataKindAndShapeFromTheSnapshotMetadata() {
        String dataset = "windows-by-rest";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String location = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"maxEpochs\":2}}")
                .statusCode(202)
                .body("dataKind", equalTo("timeseries"))
                .body("sampleShape", equalTo(List.of(2, 4)))
                .extract()
                .header("Location");
        JsonPath run = awaitRun(
                location.substring(location.lastIndexOf('/') + 1), s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals("cnn1d", run.getString("spec.architecture"), "auto architecture for time series");
        assertEquals(List.of(2, 4), run.getList("inputShape"));
    }

    @Test
    void restRunWithAGruAndAugmentationReportsBoth() {
        String dataset = "windows-gru-augmented";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String location = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"maxEpochs\":2,"
                                + "\"architecture\":\"gru\",\"hiddenUnits\":[8],\"augmentation\":{\"noiseStd\":0.1,"
                                + "\"timeShiftMax\":1,\"gainMin\":0.9,\"gainMax\":1.1}}}")
                .statusCode(202)
                .body("requestedSpec.augmentation.noiseStd", equalTo(0.1f))
                .extract()
                .header("Location");
        String runId = location.substring(location.lastIndexOf('/') + 1);
        JsonPath run = awaitRun(runId, s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals("gru", run.getString("spec.architecture"));
        assertEquals(1, run.getInt("spec.augmentation.timeShiftMax"));
        assertEquals("circular", run.getString("spec.augmentation.timeShiftMode"));
        assertEquals(0.9, run.getDouble("spec.augmentation.gainMin"), 1e-9);
        assertTrue(run.getString("architecture").startsWith("gru(2x4-gru8-last-"), run.getString("architecture"));
        ModelTrained event = enqueued(runId).get(0);
        assertEquals(0.1, event.getSpec().getAugmentation().getNoiseStd(), 1e-9);
        assertEquals("gru", event.getSpec().getArchitecture());
    }

    @Test
    void restRunWithASpectralImpulseTrainsOnRawWindowsAndReportsTheBlock() {
        String dataset = "windows-impulse";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String location = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"maxEpochs\":2,"
                                + "\"impulse\":{\"block\":\"spectral\",\"bands\":2}}}")
                .statusCode(202)
                .body("requestedSpec.impulse.block", equalTo("spectral"))
                .extract()
                .header("Location");
        JsonPath run = awaitRun(
                location.substring(location.lastIndexOf('/') + 1), s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals("mlp", run.getString("spec.architecture"), "a spectral impulse defaults to an MLP");
        assertEquals("spectral", run.getString("spec.impulse.block"));
        assertEquals(2, run.getInt("spec.impulse.bands"));
        assertEquals(List.of(2, 4), run.getList("inputShape"), "the model takes the raw window");
        assertTrue(run.getString("architecture").startsWith("spectral(2 bands"), run.getString("architecture"));
    }

    @Test
    void anImpulseWithoutARateTakesTheSnapshotsAndOneWithoutAnyIsRefused() {
        String dataset = "windows-100hz";
        datasets.define(dataset, 1, "timeseries", List.of(1, 8), 100);
        String spec = "\"spec\":{\"maxEpochs\":1,\"impulse\":{\"block\":\"mfe\",\"frameLength\":4,"
                + "\"frameStride\":2,\"fftLength\":8,\"melFilters\":2}}}";
        String location = postJson(
                        "/training-runs", "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1," + spec)
                .statusCode(202)
                .extract()
                .header("Location");
        JsonPath run = awaitRun(
                location.substring(location.lastIndexOf('/') + 1), s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        assertEquals(100.0, run.getDouble("spec.impulse.sampleRateHz"), 1e-9, run.prettify());

        String unknown = "windows-no-rate";
        datasets.define(unknown, 1, "timeseries", List.of(1, 8));
        postJson("/training-runs", "{\"datasetName\":\"" + unknown + "\",\"datasetVersion\":1," + spec)
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.sampleRateHz"))
                .body("errors[0].message", containsString("required for block mfe"));
    }

    @Test
    void serverSentEventsDeliverProgressAndCompletion() throws Exception {
        RunEvents run = runWithProgress("vibration-sse", "{\"maxEpochs\":3,\"patience\":3}");
        String runId = run.runId();
        List<JsonNode> events = run.events();
        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
        assertEquals("status", types.get(0), types.toString());
        assertEquals("succeeded", types.get(types.size() - 1), types.toString());
        List<Integer> epochs = events.stream()
                .filter(e -> e.get("type").asText().equals("epoch"))
                .map(e -> e.get("epoch").get("epoch").asInt())
                .toList();
        assertEquals(List.of(1, 2, 3), epochs);
        assertTrue(events.stream()
                .filter(e -> e.get("type").asText().equals("epoch"))
                .allMatch(e -> e.get("epoch").get("trainLoss").asDouble() > 0
                        && e.get("epoch").get("maxEpochs").asInt() == 3
                        && (e.path("phase").isNull() || e.path("phase").isMissingNode())));
        JsonNode last = events.get(events.size() - 1);
        assertEquals("SUCCEEDED", last.get("status").asText());
        assertTrue(last.get("testAccuracy").asDouble() > 0.5, last.toString());
        // a finished run's stream gives its final state and ends
        var again = HttpClient.newHttpClient().send(eventsRequest(runId), HttpResponse.BodyHandlers.ofLines());
        List<String> lines = again.body().filter(l -> l.startsWith("data:")).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"succeeded\""), lines.get(0));
        given().get("/training-runs/" + UUID.randomUUID() + "/events").then().statusCode(404);
    }

    @Test
    void badRequestsGetProblemDetails() {
        datasets.define("vibration-known", 1);
        postJson("/training-runs", "{}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("datasetName", "datasetVersion"));
        postJson("/training-runs", "{\"datasetName\":\"\",\"datasetVersion\":-1}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("datasetName", "datasetVersion"));
        postJson("/training-runs", "{\"datasetName\":\"vibration-known\",\"datasetVersion\":\"one\"}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("datasetVersion"));
        postJson("/training-runs", "[1]").statusCode(400).contentType("application/problem+json");
        postJson("/training-runs", "{\"datasetName\":\"vibration-known\",\"datasetVersion\":2}")
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("vibration-known@v2"));
        postJson("/training-runs", "{\"datasetName\":\"no-such-dataset\",\"datasetVersion\":1}")
                .statusCode(404);
        given().get("/training-runs/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().queryParam("limit", "0")
                .get("/training-runs")
                .then()
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("limit"));
    }

    @Test
    void invalidSpecOverRestIsRejected() {
        datasets.define("vibration-spec", 1);
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-spec\",\"datasetVersion\":1,\"dataKind\":\"audio\","
                                + "\"sampleShape\":[2,0],\"spec\":{\"architecture\":\"rnn\",\"maxEpochs\":\"ten\","
                                + "\"targetProfile\":\"toaster\"}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("dataKind", "sampleShape[1]", "spec.maxEpochs"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-spec\",\"datasetVersion\":1,"
                                + "\"spec\":{\"architecture\":\"rnn\",\"targetProfile\":\"toaster\"}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.architecture", "spec.targetProfile"));
        // a gru runs over [channels, steps]: 3-D samples are refused at submission, naming the architecture
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-spec\",\"datasetVersion\":1,\"dataKind\":\"image\","
                                + "\"sampleShape\":[2,2,2],\"spec\":{\"architecture\":\"gru\"}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("spec.architecture"))
                .body("errors.message", contains(startsWith("gru needs samples of shape [channels, steps]")));
    }

    @Test
    void invalidAugmentationIsRejectedNamingTheField() {
        String dataset = "windows-augmentation-bad";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String prefix = "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"augmentation\":";
        postJson("/training-runs", prefix + "{\"brightness\":\"x\",\"flip\":true}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.augmentation.brightness", "spec.augmentation.flip"));
        postJson("/training-runs", prefix + "{\"noiseStd\":-1,\"gainMin\":2,\"gainMax\":1}}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.augmentation.noiseStd", "spec.augmentation.gainMax"));
        // fits the data set's kind and windows: no flips for time series, a shift shorter than the window
        postJson("/training-runs", prefix + "{\"horizontalFlip\":true,\"timeShiftMax\":4}}}")
                .statusCode(422)
                .body(
                        "errors.field",
                        containsInAnyOrder("spec.augmentation.timeShiftMax", "spec.augmentation.horizontalFlip"));
    }

    @Test
    void invalidImpulsesAreRejectedNamingTheField() {
        String dataset = "windows-bad-impulse";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        String prefix = "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,";
        postJson(
                        "/training-runs",
                        prefix + "\"spec\":{\"impulse\":{\"block\":\"spectral\",\"sampleRateHz\":\"fast\","
                                + "\"colour\":1}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.sampleRateHz", "spec.impulse.colour"));
        postJson(
                        "/training-runs",
                        prefix + "\"spec\":{\"impulse\":{\"block\":\"spectral\",\"bands\":500,\"frameLength\":8}}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.impulse.bands", "spec.impulse.frameLength"));
        // knowable at submission: a frame of 8 samples does not fit windows of 4
        postJson(
                        "/training-runs",
                        prefix + "\"spec\":{\"impulse\":{\"block\":\"mfe\",\"sampleRateHz\":100,\"frameLength\":8}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.frameLength"))
                .body("errors[0].message", containsString("longer than the window"));
        postJson(
                        "/searches",
                        prefix
                                + "\"targetProfile\":\"mcu\",\"spec\":{\"impulse\":{\"block\":\"mfcc\",\"sampleRateHz\":100}}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.impulse.frameLength"));
    }

    @Test
    void normalizationAndClassWeightsAreValidatedNamingTheField() {
        datasets.define("vibration-opts-bad", 1);
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"normalization\":\"l2\",\"classWeights\":{\"normal\":0,\"bearing\":2}}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.normalization", "spec.classWeights.normal"));
        // an unknown field is refused at the top level as inside the spec
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"specs\":{},"
                                + "\"spec\":{\"epochs\":3}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("specs", "spec.epochs"))
                .body("errors.message", everyItem(equalTo("unknown field")));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"classWeights\":\"inverse\"}}")
                .statusCode(422)
                .body("errors.field", contains("spec.classWeights"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-opts-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"classWeights\":{\"normal\":\"heavy\"}}}")
                .statusCode(422)
                .body("errors.field", contains("spec.classWeights.normal"));
    }
}
