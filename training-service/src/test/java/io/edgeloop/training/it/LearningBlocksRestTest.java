package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
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
 * The image block and the LSTM learning block through the REST API: a run of each is accepted, trains and reports
 * its effective spec and input shape (the raw image / window); bad fields and misplaced blocks are 422s naming them.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class LearningBlocksRestTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Test
    void anImageBlockRunTrainsACnnOnRawImages() {
        // the stand-in data service serves 8 values per sample: one-channel 2 x 4 images
        String dataset = "images-rest";
        datasets.define(dataset, 1, "image", List.of(1, 2, 4));
        JsonPath run = succeeded(
                dataset,
                "{\"maxEpochs\":1,\"impulse\":{\"block\":\"image\"," + "\"channelMean\":[0.5],\"channelStd\":[0.25]}}");
        assertEquals("cnn2d", run.getString("spec.architecture"), "an image block defaults to a 2D CNN");
        assertEquals("image", run.getString("spec.impulse.block"));
        assertEquals(List.of(0.25f), run.getList("spec.impulse.channelStd", Float.class));
        assertEquals(List.of(1, 2, 4), run.getList("inputShape"), "the model takes the raw image");
    }

    @Test
    void anLstmRunTrainsOnWindows() {
        String dataset = "windows-lstm-rest";
        datasets.define(dataset, 1, "timeseries", List.of(2, 4));
        JsonPath run = succeeded(dataset, "{\"maxEpochs\":1,\"architecture\":\"lstm\",\"hiddenUnits\":[4]}");
        assertEquals("lstm", run.getString("spec.architecture"));
        assertTrue(run.getString("architecture").startsWith("lstm(2x4-lstm4-last-"), run.getString("architecture"));
        assertEquals(List.of(2, 4), run.getList("inputShape"));
    }

    @Test
    void badImageFieldsAndMisplacedBlocksAreNamed() {
        String images = "images-rest-bad";
        datasets.define(images, 1, "image", List.of(1, 2, 4));
        post(images, "{\"impulse\":{\"block\":\"image\",\"imageHeight\":\"big\",\"tint\":1}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("spec.impulse.imageHeight", "spec.impulse.tint"));
        post(images, "{\"architecture\":\"lstm\",\"impulse\":{\"block\":\"image\"}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.architecture"));
        String windows = "windows-lstm-bad";
        datasets.define(windows, 1, "timeseries", List.of(2, 4));
        post(windows, "{\"architecture\":\"lstm\",\"augmentation\":{\"mixupAlpha\":-1}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.augmentation.mixupAlpha"));
    }

    private ValidatableResponse post(String dataset, String spec) {
        return given().contentType(ContentType.JSON)
                .body("{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":" + spec + "}")
                .post("/training-runs")
                .then();
    }

    private JsonPath succeeded(String dataset, String spec) {
        String id = post(dataset, spec).statusCode(202).extract().path("id");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            String status = given().get("/training-runs/" + id).then().extract().path("status");
            return !"QUEUED".equals(status) && !"RUNNING".equals(status);
        });
        JsonPath run = given().get("/training-runs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        return run;
    }
}
