package io.edgeloop.monitoring.it;

import static io.edgeloop.monitoring.it.Conditions.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.events.v1.Deployed;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Which version of a model is monitored as Deployed events arrive: a rolled-back rollout returns to the previous
 * version, rejected and fleet phases of another version change nothing, and an event older than the last one applied
 * is ignored.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DeployedVersionFlowTest extends MonitoringFlowTestBase {
    @Test
    void aRolledBackRolloutMakesThePreviousVersionTheMonitoredOneAgain() throws Exception {
        String model = "rollback-model";
        TestTopics.publish(Topics.DEPLOYED, model, deployedOf(model, 1, "").toByteArray());
        await("v1 deployed", () -> modelVersionOf(model) == 1);
        TestTopics.publish(Topics.DEPLOYED, model, deployedOf(model, 2, "wave").toByteArray());
        await("v2 canary deployed", () -> modelVersionOf(model) == 2);
        TestTopics.publish(
                Topics.DEPLOYED, model, deployedOf(model, 2, "rolled-back").toByteArray());
        await("v1 monitored again", () -> modelVersionOf(model) == 1);
        JsonPath view = given().get("/models/" + model + "/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(model + "@v1", view.getString("referenceSnapshotId"));
        assertEquals(0, view.getInt("sampleCount"));
    }

    @Test
    void rejectedVersionsAndFleetChangesOfOtherVersionsDoNotChangeTheMonitoredVersion() throws Exception {
        String model = "gated-model";
        TestTopics.publish(
                Topics.DEPLOYED, model, deployedOf(model, 1, "completed").toByteArray());
        await("v1 deployed", () -> modelVersionOf(model) == 1);
        for (String phase : List.of("rejected", "fleet")) {
            Deployed event = deployedOf(model, 2, phase);
            TestTopics.publish(Topics.DEPLOYED, model, event.toByteArray());
            await(
                    phase + " consumed",
                    () -> inbox.seen(
                            "monitoring-service/Deployed", event.getMeta().getEventId()));
            assertEquals(1, modelVersionOf(model), phase + " v2 leaves v1 monitored");
        }
    }

    @Test
    void aDeployedEventOlderThanTheLastOneAppliedIsIgnored() throws Exception {
        String model = "late-model";
        Deployed v1 = deployedOf(model, 1, "completed");
        Deployed v2 = deployedOf(model, 2, "completed");
        // a v1 event that happened before v2's, delivered after it (a replayed or parked row, another replica)
        Deployed lateV1 = deployedOf(model, 1, "completed").toBuilder()
                .setMeta(v1.getMeta().toBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(v1.getMeta().getOccurredAt()))
                .build();
        TestTopics.publish(Topics.DEPLOYED, model, v1.toByteArray());
        await("v1 deployed", () -> modelVersionOf(model) == 1);
        TestTopics.publish(Topics.DEPLOYED, model, v2.toByteArray());
        await("v2 deployed", () -> modelVersionOf(model) == 2);
        TestTopics.publish(Topics.DEPLOYED, model, lateV1.toByteArray());
        await(
                "late v1 consumed",
                () -> inbox.seen("monitoring-service/Deployed", lateV1.getMeta().getEventId()));
        assertEquals(2, modelVersionOf(model), "the late v1 event does not take the model back");
    }

    private static int modelVersionOf(String model) {
        var r = given().get("/models/" + model + "/drift");
        return r.statusCode() == 200 ? r.jsonPath().getInt("modelVersion") : -1;
    }

    private static Deployed deployedOf(String model, int version, String phase) {
        return Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", UUID.randomUUID().toString(), ""))
                .setDeploymentId("dep-" + model + "-" + version)
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId("var-" + version)
                .addDeviceIds("dev-a")
                .setDevicesTargeted(1)
                .setDevicesActive("rolled-back".equals(phase) ? 0 : 1)
                .setSnapshotId(model + "@v" + version)
                .setPhase(phase)
                .build();
    }
}
