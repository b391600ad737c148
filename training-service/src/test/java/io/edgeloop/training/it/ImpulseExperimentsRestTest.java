package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Impulses in distillations, searches and {@code targetProfile} runs through the REST API (the stand-in data service
 * serves 8 values per sample: [2, 4] windows or [2, 4] grayscale images): each is accepted, trains behind the
 * processing block and reports it; a student without an impulse takes the teacher's; combinations that cannot work
 * are 422s naming the field and why.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class ImpulseExperimentsRestTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String SPECTRAL = "\"impulse\":{\"block\":\"spectral\",\"bands\":2}";

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Test
    void aDistillingRunWithAnImpulseShipsTheStudentBehindTheSameBlock() {
        String dataset = "windows-distill-impulse";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        JsonPath run = finished(
                "/training-runs/",
                post(
                                "/training-runs",
                                dataset,
                                "\"spec\":{\"maxEpochs\":2,\"distillationTemperature\":2," + "\"hiddenUnits\":[16],"
                                        + SPECTRAL + "}")
                        .statusCode(202));
        assertEquals("spectral", run.getString("spec.impulse.block"), "the shipped student's spec");
        assertEquals(List.of(4), run.getList("spec.hiddenUnits"), "the default student: 16 / 4");
        assertTrue(
                run.getString("architecture").startsWith("spectral(2 bands)+mlp(10-4-"), run.getString("architecture"));
        assertTrue(
                run.getString("distillation.teacher.architecture").startsWith("spectral(2 bands)+mlp(10-16-"),
                run.prettify());
        assertEquals(List.of(2, 4), run.getList("inputShape"), "the student takes the raw window");
    }

    @Test
    void aTargetProfileRunAndASearchWithAnImpulseCountTheBlock() {
        String dataset = "windows-search-impulse";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        JsonPath run = finished(
                "/training-runs/",
                post("/training-runs", dataset, "\"spec\":{\"maxEpochs\":2,\"targetProfile\":\"mcu\"," + SPECTRAL + "}")
                        .statusCode(202));
        assertEquals("spectral", run.getString("spec.impulse.block"));
        assertTrue(run.getString("architecture").startsWith("spectral(2 bands)+mlp"), run.getString("architecture"));

        JsonPath search = finished(
                "/searches/",
                post("/searches", dataset, "\"targetProfile\":\"mcu-int8\",\"spec\":{\"maxEpochs\":1," + SPECTRAL + "}")
                        .statusCode(202));
        List<Integer> processing = search.getList("result.candidates.estimate.processingMacs", Integer.class);
        assertEquals(4, processing.size());
        assertTrue(processing.stream().allMatch(m -> m > 0 && m.equals(processing.get(0))), processing.toString());
        assertTrue(
                search.getString("result.best.model.architecture").startsWith("spectral(2 bands)+mlp"),
                search.prettify());
    }

    @Test
    void aDistillationExperimentsStudentTakesTheTeachersImpulse() {
        String dataset = "images-distill-gray";
        datasets.define(dataset, 1, "image", List.of(2, 4)); // [H, W] grayscale: one channel
        JsonPath done = finished(
                "/distillations/",
                post(
                                "/distillations",
                                dataset,
                                "\"temperature\":2,\"teacher\":{\"maxEpochs\":1,\"hiddenUnits\":[8],"
                                        + "\"impulse\":{\"block\":\"image\",\"channelMean\":[0.5]}},"
                                        + "\"student\":{\"maxEpochs\":1}")
                        .statusCode(202));
        assertEquals("image", done.getString("result.distilledStudent.spec.impulse.block"), done.prettify());
        assertTrue(
                done.getString("result.distilledStudent.architecture").startsWith("image(1x2x4->1x2x4)+cnn2d"),
                done.prettify());
    }

    @Test
    void aFeatureDataSetTrainsTheImageBlockOnTheShapeTheRequestDeclares() {
        String dataset = "pixels-flat";
        datasets.define(dataset, 1, "features", List.of());
        String spec = "\"spec\":{\"maxEpochs\":1,\"impulse\":{\"block\":\"image\"}}";
        post("/training-runs", dataset, spec)
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.block"))
                .body("errors[0].message", containsString("declare the image's shape with sampleShape"));
        JsonPath run = finished(
                "/training-runs/",
                post("/training-runs", dataset, spec + ",\"sampleShape\":[2,4]").statusCode(202));
        assertEquals(List.of(2, 4), run.getList("inputShape"));
        assertTrue(
                run.getString("architecture").startsWith("image(1x2x4->1x2x4)+cnn2d"), run.getString("architecture"));
    }

    @Test
    void combinationsThatCannotWorkAreNamed() {
        String windows = "windows-impulse-bad";
        datasets.define(windows, 1, "timeseries", List.of(2, 4));
        // a student network that cannot follow the teacher's (inherited) signal block
        post("/distillations", windows, "\"teacher\":{" + SPECTRAL + "},\"student\":{\"architecture\":\"cnn2d\"}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("student.architecture"));
        // blocks that do not fit the windows, named at submission for experiments too
        post(
                        "/searches",
                        windows,
                        "\"targetProfile\":\"mcu\",\"spec\":{\"impulse\":{\"block\":\"mfe\",\"sampleRateHz\":100,\"frameLength\":8}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.impulse.frameLength"));
        post("/distillations", windows, "\"student\":{\"impulse\":{\"block\":\"mfe\",\"sampleRateHz\":100}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("student.impulse.frameLength"));
        String images = "images-impulse-bad";
        datasets.define(images, 1, "image", List.of(2, 4));
        // an image scaled to 512 x 512 needs 1 MiB of float features: no candidate can fit an mcu's 64 KiB of RAM
        String huge = "\"impulse\":{\"block\":\"image\",\"imageHeight\":512,\"imageWidth\":512}";
        post("/searches", images, "\"targetProfile\":\"mcu\",\"spec\":{" + huge + "}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("targetProfile"))
                .body("errors[0].message", containsString("of RAM on mcu"));
        post("/training-runs", images, "\"spec\":{\"targetProfile\":\"mcu\"," + huge + "}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.targetProfile"));
        post("/training-runs", images, "\"spec\":{\"impulse\":{\"block\":\"image\",\"grayscale\":true}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.impulse.grayscale"));
    }

    private static ValidatableResponse post(String path, String dataset, String fields) {
        return given().contentType(ContentType.JSON)
                .body("{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1," + fields + "}")
                .post(path)
                .then();
    }

    /** The run or experiment {@code accepted} queued, once it ended; it must have succeeded. */
    private static JsonPath finished(String collection, ValidatableResponse accepted) {
        String id = accepted.extract().path("id");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            String status = given().get(collection + id).then().extract().path("status");
            return !"QUEUED".equals(status) && !"RUNNING".equals(status);
        });
        JsonPath done =
                given().get(collection + id).then().statusCode(200).extract().jsonPath();
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        return done;
    }
}
