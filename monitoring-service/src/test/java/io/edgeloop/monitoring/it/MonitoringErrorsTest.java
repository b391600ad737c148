package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.JobRecord;
import io.edgeloop.monitoring.domain.ReferenceJobs;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.telemetry.v1.FeatureSketch;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * What the monitoring service refuses: a snapshot the data service does not know fails its profile job for good,
 * invalid telemetry windows are INVALID_ARGUMENT naming the field, and unknown resources are problem 404s.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class MonitoringErrorsTest extends MonitoringFlowTestBase {
    @Test
    void aSnapshotDataServiceDoesNotKnowFailsItsProfileJobForGood() {
        DataReady ghost = DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName("ghost")
                .setDatasetVersion(1)
                .setSnapshotId("ghost@v1")
                .setFeatureCount(8)
                .build();
        TestTopics.publish(Topics.DATA_READY, "ghost", ghost.toByteArray());
        await(
                "the ghost's profile job failed",
                () -> jobs.find(ReferenceJobs.KIND, "ghost@v1")
                        .map(j -> j.status == JobRecord.Status.FAILED)
                        .orElse(false));
        JobRecord job = jobs.find(ReferenceJobs.KIND, "ghost@v1").orElseThrow();
        assertEquals(1, job.attempts, "NOT_FOUND is not retried");
        assertTrue(job.lastError.contains("NOT_FOUND"), job.lastError);
        given().get("/references/ghost@v1").then().statusCode(404);
    }

    @Test
    void invalidWindowsAreRejected() {
        SensorSimulator sim = new SensorSimulator(5);
        TelemetryWindow ok = window("bad-1", "dev-x", 1, sim, 3);
        assertInvalid(ok.toBuilder().clearDeviceId().build(), "device_id is required");
        assertInvalid(ok.toBuilder().clearModelName().build(), "model_name is required");
        assertInvalid(ok.toBuilder().setSampleCount(4).build(), "input_sample has 24 values");
        assertInvalid(ok.toBuilder().addInputSample(1f).build(), "input_sample has 25 values");
        TelemetryWindow sketched = sketched(MODEL, "bad-2", "dev-x", 1, sim, 3);
        assertInvalid(
                sketched.toBuilder().removeFeatureSketches(7).build(),
                "feature_sketches has 7 sketches, expected one per feature (feature_count 8)");
        assertInvalid(
                sketched.toBuilder()
                        .setFeatureSketches(2, FeatureSketch.newBuilder().setKll(ByteString.copyFromUtf8("not one")))
                        .build(),
                "feature_sketches[2].kll is not a KLL float sketch");
        assertInvalid(
                sketched.toBuilder().setInferenceCount(2).build(),
                "feature_sketches[0] summarizes 3 values, more than inference_count 2");
        given().get("/devices/dev-x/telemetry").then().statusCode(404);
    }

    @Test
    void unknownResourcesAreProblem404s() {
        given().get("/models/no-such-model/drift")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", is(404))
                .body("detail", containsString("no-such-model"));
        given().get("/devices/nobody/telemetry").then().statusCode(404).contentType("application/problem+json");
        given().get("/references/none@v9").then().statusCode(404).contentType("application/problem+json");
        given().get("/devices/nobody/telemetry?limit=0").then().statusCode(422).body("errors[0].field", is("limit"));
        given().get("/devices/nobody/telemetry?limit=many").then().statusCode(400);
    }

    private void assertInvalid(TelemetryWindow w, String expected) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> telemetry.report(w));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains(expected), e.getStatus().getDescription());
    }
}
