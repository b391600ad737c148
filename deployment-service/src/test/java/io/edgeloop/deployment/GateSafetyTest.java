package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.awaitDeployed;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Health gates that fail safe, reading telemetry over gRPC ({@link FakeTelemetry} on the test port): monitoring down
 * holds the wave then rolls back after the gate timeout; a model whose every inference fails is rolled back; client
 * input errors never trip the gate; no telemetry holds then fails, or passes with onNoTelemetry=pass.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class GateSafetyTest {
    private static final Duration SOAK = Duration.ofMillis(100);
    private static final Duration GATE_TIMEOUT = Duration.ofMillis(1500);

    @GrpcClient("devices")
    Channel channel;

    @Test
    void monitoringDownHoldsTheWaveThenRollsBack() throws Exception {
        Started s = start("down", "fail", null, true);
        awaitHistory(s.rollout(), "gate-waiting", "monitoring unavailable");
        assertTrue("ROLLING_OUT".equals(FleetTestKit.status(s.rollout())), "the wave holds");
        TestClock.advancePast(GATE_TIMEOUT);
        Deployed rb = awaitDeployed(s.model(), 1, "rolled-back");
        assertTrue(rb.getReason().contains("gate timed out"), rb.getReason());
        assertTrue(FakeTelemetry.requests(s.device()) > 0, "the gate called ListWindows");
        assertTrue(s.watch().nextFor(s.model()).getUnassigned(), "its first deployment: unassigned");
        FakeTelemetry.down(s.device(), false);
    }

    @Test
    void aModelWhoseEveryInferenceFailsIsRolledBack() throws Exception {
        Started s = start("allfail", "fail", List.of(0L, 25L, 0L), false);
        Deployed rb = awaitDeployed(s.model(), 1, "rolled-back");
        assertTrue(rb.getReason().contains("error rate 1.0000"), rb.getReason());
        given().get("/rollouts/" + s.rollout()).then().body("waves[0].gate.errors", equalTo(25));
    }

    @Test
    void clientInputErrorsDoNotTripTheGate() throws Exception {
        Started s = start("client", "fail", List.of(50L, 0L, 30L), false);
        awaitDeployed(s.model(), 1, "completed");
        given().get("/rollouts/" + s.rollout())
                .then()
                .body("waves[0].gate.outcome", equalTo("PASS"))
                .body("waves[0].gate.clientErrors", equalTo(30))
                .body("waves[0].gate.errorRate", equalTo(0.0f));
    }

    @Test
    void noTelemetryHoldsThenFailsUnlessThePolicySaysPass() throws Exception {
        Started quiet = start("quiet", "fail", null, false);
        awaitHistory(quiet.rollout(), "gate-waiting", "no telemetry");
        assertTrue("ROLLING_OUT".equals(FleetTestKit.status(quiet.rollout())), "the wave holds");
        TestClock.advancePast(GATE_TIMEOUT);
        Deployed rb = awaitDeployed(quiet.model(), 1, "rolled-back");
        assertTrue(rb.getReason().contains("no telemetry"), rb.getReason());

        Started lenient = start("lenient", "pass", null, false);
        awaitDeployed(lenient.model(), 1, "completed");
        given().get("/rollouts/" + lenient.rollout())
                .then()
                .body("waves[0].gate.reasons[0]", containsString("on-no-telemetry=pass"));
    }

    private record Started(String model, String device, String rollout, Watch watch) {}

    /**
     * A one-device model with a 100 ms soak and a 1.5 s gate timeout, activated and soaked (the clock moved on by the
     * soak time: the gate is due); {@code counts} = inferences, errors, client errors of one window on v1 (null =
     * none); {@code down}: ListWindows answers UNAVAILABLE.
     */
    private Started start(String name, String onNoTelemetry, List<Long> counts, boolean down) throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = name + FleetTestKit.run();
        String model = run + "-m";
        String device = run + "-1";
        policy(
                model,
                Map.of("fleet", run),
                "{\"canaryPercent\":100,\"soakTimeMs\":" + SOAK.toMillis() + ",\"gateTimeoutMs\":"
                        + GATE_TIMEOUT.toMillis() + ",\"onNoTelemetry\":\"" + onNoTelemetry + "\"}",
                null);
        Watch w = kit.join(device, Map.of("fleet", run));
        FakeTelemetry.down(device, down);
        produce(event(model, 1, null));
        Assignment a = w.nextFor(model);
        if (counts != null) { // the window must end after the wave started
            FakeTelemetry.put(
                    device,
                    List.of(FakeTelemetry.window(
                            model, 1, counts.get(0), counts.get(1), counts.get(2), 500, Map.of("normal", 1L))));
        }
        kit.report(device, a, DeviceModelState.ACTIVE);
        TestClock.soak(a.getRolloutId(), 1, SOAK);
        return new Started(model, device, a.getRolloutId(), w);
    }

    private static void awaitHistory(String rollout, String action, String detail) throws InterruptedException {
        RolloutTestSupport.await(action + " '" + detail + "' in the history of " + rollout, () -> {
            List<Map<String, Object>> h =
                    given().get("/rollouts/" + rollout).then().extract().path("history");
            return h.stream()
                    .anyMatch(e -> action.equals(e.get("action"))
                            && String.valueOf(e.get("detail")).contains(detail));
        });
        given().get("/rollouts/" + rollout).then().body("history.action", hasItem(action));
    }
}
