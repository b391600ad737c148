package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Performance per fleet segment (the devices' labels, such as their site), worst first, and the refusals of a segment
 * or label parameter that is missing or malformed.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class PerformanceSegmentsTest extends PerformanceFlowTestBase {
    @Test
    void performanceIsReportedPerFleetSegmentWorstFirst() {
        TestTopics.publish(Topics.DATA_READY, FakeDatasetService.DATASET, dataReady());
        await("reference profile", () -> given().get("/references/vibration@v1").statusCode() == 200);
        register(1);
        deploy(1);
        Instant at = Instant.now().minusSeconds(20);
        report(window("sa", devA, 1, "sa-", 20, at, "live").toBuilder()
                .putDeviceLabels("site", "north")
                .putDeviceLabels("hw", "rev-b")
                .build());
        report(window("sb", devB, 1, "sb-", 20, at, "live").toBuilder()
                .putDeviceLabels("site", "south")
                .build());
        // A's predictions all right, B's wrong for every odd i
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            items.add(Map.of("inferenceId", "sa-" + i, "label", LABELS.get(i % 4)));
            items.add(Map.of("inferenceId", "sb-" + i, "label", LABELS.get(i % 2 == 0 ? i % 4 : (i + 1) % 4)));
        }
        feedback(items).then().statusCode(200);

        JsonPath segments = given().get("/models/" + model + "/performance/segments?label=site")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of("south", "north"), segments.getList("value"), "worst first");
        assertEquals(0.5, segments.getDouble("[0].accuracy"), 1e-9);
        assertEquals(1.0, segments.getDouble("[1].accuracy"), 1e-9);
        assertEquals(20, segments.getLong("[1].labelledCount"));
        JsonPath north = performance("?segment=site=north");
        assertEquals(20, north.getLong("labelledCount"));
        assertEquals(1.0, north.getDouble("accuracy"), 1e-9);
        assertEquals(
                List.of("rev-b"),
                given().get("/models/" + model + "/performance/segments?label=hw")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("value"));

        given().get("/models/" + model + "/performance?segment=site")
                .then()
                .statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("segment"));
        given().get("/models/" + model + "/performance/segments")
                .then()
                .statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("label"));
        TelemetryWindow badLabels = window("sx", devA, 1, "sx-", 1, at, "live").toBuilder()
                .putDeviceLabels("bad key!", "x")
                .build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> telemetry.report(badLabels));
        assertTrue(refused.getStatus().getDescription().contains("device_labels"));
    }
}
