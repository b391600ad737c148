package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.awaitRollout;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.deployment.api.FleetMetrics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fleet's and the event plumbing's series as Prometheus scrapes them ({@code /q/metrics}, a viewer's token): a
 * ModelOptimized consumed, a HELD rollout and a connected device are counted.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class FleetMetricsTest {
    @GrpcClient("devices")
    Channel channel;

    @Inject
    FleetMetrics metrics;

    @Test
    void rolloutsDevicesAndConsumedEventsAreScraped() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "mx" + FleetTestKit.run();
        Watch connected = kit.join(run + "-1", Map.of("fleet", run));
        double heldBefore = value(scrape(), "edgeloop_rollouts\\{state=\"held\"\\}");
        produce(event(run + "-m", 1, null)); // no policy: HELD
        awaitRollout(run + "-m", 1);
        metrics.refresh();
        String text = scrape();
        assertTrue(value(text, "edgeloop_rollouts\\{state=\"held\"\\}") >= heldBefore + 1, text);
        assertTrue(value(text, "edgeloop_devices_connected") >= 1, text);
        assertTrue(
                value(text, "edgeloop_events_consumed_total\\{event=\"ModelOptimized\",outcome=\"applied\"\\}") >= 1,
                text);
        connected.assertNothing(java.time.Duration.ofMillis(100)); // held: nothing was assigned
        given().header("Authorization", TestAuth.deviceBearer(run + "-1"))
                .get("/q/metrics")
                .then()
                .statusCode(403);
    }

    private static String scrape() {
        return given().header("Authorization", TestAuth.bearer("prometheus", Roles.VIEWER))
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /**
     * The value of the first sample whose name and labels match {@code series} (0 when absent); an OpenMetrics
     * exemplar after the value ({@code # {span_id=...}}) is ignored.
     */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)( #.*)?$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
