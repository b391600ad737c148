package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.ONE_WAVE;
import static io.edgeloop.deployment.FleetTestKit.awaitDeployed;
import static io.edgeloop.deployment.FleetTestKit.awaitRollout;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.evidence;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.events.v1.Deployed;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deployment policies: REST CRUD and validation, a model without a policy (or with autoRollout=false) HELD until
 * started, and the promotion gate (champion/challenger) rejecting a candidate before any device is touched.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class PolicyTest {
    @GrpcClient("devices")
    Channel channel;

    @Test
    void aModelWithoutAPolicyIsHeldUntilAPolicyIsSetAndItIsStarted() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "hp" + FleetTestKit.run();
        String model = run + "-m";
        Watch w = kit.join(run + "-1", Map.of("fleet", run));
        produce(event(model, 1, null));
        String rollout = awaitRollout(model, 1);
        given().get("/rollouts/" + rollout)
                .then()
                .body("status", equalTo("HELD"))
                .body("statusReason", equalTo("no deployment policy matches model '" + model + "'"))
                .body("history.action", hasItem("held"));
        w.assertNothing(Duration.ofMillis(300));
        given().post("/rollouts/" + rollout + "/start")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("policy"));

        // a project pattern matches it; the exact policy set later wins over it
        policy(run + "-*", Map.of("fleet", "nowhere"), ONE_WAVE, null);
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        given().post("/rollouts/" + rollout + "/start")
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLING_OUT"))
                .body("policyName", equalTo(model));
        Assignment a = w.nextFor(model);
        assertEquals(rollout, a.getDeploymentId());
        kit.report(w.deviceId(), a, DeviceModelState.ACTIVE);
        awaitDeployed(model, 1, "completed");
        given().post("/rollouts/" + rollout + "/start").then().statusCode(409);
        given().post("/rollouts/nope/start").then().statusCode(404);

        // autoRollout=false holds every new version for approval
        given().contentType("application/json")
                .body("{\"selector\":{\"fleet\":\"" + run + "\"},\"autoRollout\":false,\"rollout\":" + ONE_WAVE + "}")
                .put("/policies/" + model)
                .then()
                .statusCode(200)
                .body("autoRollout", equalTo(false));
        produce(event(model, 2, null));
        String held = awaitRollout(model, 2);
        given().get("/rollouts/" + held)
                .then()
                .body("status", equalTo("HELD"))
                .body("statusReason", containsString("awaiting approval"));
        w.assertNothing(Duration.ofMillis(300));
        given().post("/rollouts/" + held + "/start").then().statusCode(200);
        assertEquals(2, w.nextFor(model).getModelVersion());
    }

    @Test
    void aCandidateWorseThanProductionBeyondTheMarginIsRejectedAndABetterOneRollsOut() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "pr" + FleetTestKit.run();
        String model = run + "-m";
        policy(model, Map.of("fleet", run), ONE_WAVE, "{\"minAccuracy\":0.5,\"maxAccuracyDrop\":0.02}");
        Watch w = kit.join(run + "-1", Map.of("fleet", run));

        produce(event(model, 1, evidence(0.90, 0, 0)));
        Assignment v1 = w.nextFor(model);
        kit.report(w.deviceId(), v1, DeviceModelState.ACTIVE);
        awaitDeployed(model, 1, "completed");

        produce(event(model, 2, evidence(0.80, 1, 0.90)));
        Deployed rejected = awaitDeployed(model, 2, "rejected");
        assertEquals(0, rejected.getDevicesTargeted());
        assertTrue(rejected.getReason().contains("worse than production"), rejected.getReason());
        given().get("/rollouts/" + rejected.getRolloutId())
                .then()
                .body("status", equalTo("REJECTED"))
                .body("statusReason", containsString("candidate accuracy 0.8000 vs production v1 0.9000"))
                .body("history.action", hasItem("rejected"))
                .body("deployedEventId", equalTo(rejected.getMeta().getEventId()));
        w.assertNothing(Duration.ofMillis(300));

        produce(event(model, 3, evidence(0.91, 1, 0.90)));
        Assignment v3 = w.nextFor(model);
        assertEquals(3, v3.getModelVersion());
        given().get("/rollouts/" + v3.getRolloutId())
                .then()
                .body("history.detail", hasItem(containsString("not worse than production beyond the margin")));
        // a random-label model (accuracy 0.10) never reaches a device
        produce(event(model, 4, evidence(0.10, 0, 0)));
        assertTrue(awaitDeployed(model, 4, "rejected").getReason().contains("< minAccuracy"));
    }

    @Test
    void policiesAreSetReadListedDeletedAndValidated() {
        String name = "team-" + FleetTestKit.run() + "-*";
        given().contentType("application/json")
                .body("{\"selector\":{\"site\":\"a\"},\"capabilities\":{\"architecture\":\"arm64\",\"minRamMb\":256},"
                        + "\"rollout\":{\"canaryPercent\":10}}")
                .put("/policies/" + name)
                .then()
                .statusCode(200)
                .body("name", equalTo(name))
                .body("pattern", equalTo(true))
                .body("source", equalTo("rest"))
                .body("autoRollout", equalTo(true))
                .body("rollout.canaryPercent", equalTo(10))
                .body("rollout.onNoTelemetry", equalTo("fail"))
                .body("promotion.maxAccuracyDrop", equalTo(0.02f));
        given().get("/policies/" + name)
                .then()
                .statusCode(200)
                .body("selector.site", equalTo("a"))
                .body("selector.'capability.minRamMb'", equalTo("256"))
                .body("selector.'capability.architecture'", equalTo("arm64"));
        given().get("/policies").then().statusCode(200).body("name", hasItems(name, "vibration"));
        given().get("/policies/vibration").then().body("source", equalTo("config"));

        invalid("bad", "{\"rollout\":{\"canaryPercent\":101}}", "rollout.canaryPercent");
        invalid("bad", "{\"rollout\":{\"wavePercents\":[50,40]}}", "rollout.wavePercents");
        invalid("bad", "{\"rollout\":{\"soakTimeMs\":-1}}", "rollout.soakTimeMs");
        invalid("bad", "{\"rollout\":{\"onNoTelemetry\":\"maybe\"}}", "rollout.onNoTelemetry");
        invalid("bad", "{\"rollout\":{\"maxErrorRate\":1.5}}", "rollout.maxErrorRate");
        invalid("bad", "{\"selector\":{\" \":\"x\"}}", "selector");
        invalid("bad", "{\"promotion\":{\"maxAccuracyDrop\":-0.1}}", "promotion.maxAccuracyDrop");
        invalid("team-*-a", "{}", "name");
        invalid("bad", "{\"capabilities\":{\"minRamMb\":-1}}", "capabilities.minRamMb");
        given().get("/policies/bad").then().statusCode(404).contentType("application/problem+json");

        given().delete("/policies/" + name).then().statusCode(204);
        given().get("/policies/" + name).then().statusCode(404);
        given().delete("/policies/" + name).then().statusCode(404);
    }

    private static void invalid(String name, String body, String field) {
        given().contentType("application/json")
                .body(body)
                .put("/policies/" + name)
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(field));
    }
}
