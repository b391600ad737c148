package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.ONE_WAVE;
import static io.edgeloop.deployment.FleetTestKit.awaitRollout;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.FleetTestKit.status;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.domain.DeviceRevocation;
import io.edgeloop.deployment.domain.FleetService;
import io.edgeloop.deployment.domain.RolloutLeases;
import io.edgeloop.deployment.domain.VariantOption;
import io.edgeloop.deployment.grpc.FleetChannel;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Replicas of the deployment service against one database: a change committed by another instance reaches a device
 * whose stream is here through PostgreSQL LISTEN/NOTIFY (the other instance is played by a transaction whose pushes
 * are dropped plus a NOTIFY from a separate JDBC connection); a lost notification is caught by the reconcile; a
 * revocation decided elsewhere ends the stream here; a rollout is driven by one instance at a time (lease), and taken
 * over when its driver's lease lapsed. The test profile reconciles only hourly, so only the notification can deliver.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class ReplicaDeliveryTest {
    @GrpcClient("devices")
    Channel channel;

    @Inject
    FleetService fleet;

    @Inject
    FleetChannel fleetChannel;

    @Inject
    RolloutLeases leases;

    @Inject
    DeviceRevocation revocation;

    @Inject
    DeploymentConfig config;

    @Test
    void aRolloutStartedByAnotherReplicaReachesAStreamHere() throws Exception {
        String run = "rd" + FleetTestKit.run();
        String model = run + "-m";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        Watch watch = new FleetTestKit(channel).join(run + "-dev", Map.of("fleet", run));

        startRolloutElsewhere(event(model, 1, null));
        watch.assertNothing(Duration.ofMillis(300)); // the deciding replica has no stream of this device
        notifyAsAnotherReplica("a:" + run + "-other-device\na:" + watch.deviceId());

        Assignment a = watch.nextFor(model);
        assertEquals(1, a.getModelVersion());
        assertFalse(a.getDownloadGrant().isEmpty(), "the instance holding the stream adds the device's grant");
        watch.cancel();
    }

    @Test
    void aLostNotificationIsCaughtByTheReconcile() throws Exception {
        String run = "rr" + FleetTestKit.run();
        String model = run + "-m";
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        Watch watch = new FleetTestKit(channel).join(run + "-dev", Map.of("fleet", run));

        startRolloutElsewhere(event(model, 1, null)); // and that replica died before announcing it
        assertTrue(fleetChannel.reconcile() >= 1);
        assertEquals(1, watch.nextFor(model).getModelVersion());
        watch.cancel();
    }

    @Test
    void aRevocationDecidedElsewhereEndsTheStreamHere() throws Exception {
        String run = "rv" + FleetTestKit.run();
        Watch watch = new FleetTestKit(channel).join(run + "-dev", Map.of("fleet", run));
        assertTrue(revocation.revoke(watch.deviceId(), "admin-on-replica-b"));
        notifyAsAnotherReplica("r:" + watch.deviceId());

        StatusRuntimeException cut = assertInstanceOf(StatusRuntimeException.class, watch.ended());
        assertEquals(Status.Code.PERMISSION_DENIED, cut.getStatus().getCode(), cut.getMessage());
    }

    @Test
    void aLeaseGivesARolloutOneDriverUntilItLapses() throws Exception {
        String run = "rl" + FleetTestKit.run();
        String model = run + "-m";
        produce(event(model, 1, null)); // no policy yet: the rollout is HELD, no scheduler drives it
        String rollout = awaitRollout(model, 1);
        assertEquals("HELD", status(rollout));

        assertTrue(leases.claim(rollout, "replica-a"));
        assertFalse(leases.claim(rollout, "replica-b"), "held by replica-a");
        assertTrue(leases.claim(rollout, "replica-a"), "the driver renews");
        TestClock.advancePast(config.rolloutLease());
        assertTrue(leases.claim(rollout, "replica-b"), "a lapsed lease is taken over");
        assertEquals("replica-b", leases.driverOf(rollout));
        assertFalse(leases.claim(rollout, "replica-a"));
    }

    @Test
    void aRolloutDrivenByAnotherReplicaIsLeftToItUntilItsLeaseLapses() throws Exception {
        String run = "rt" + FleetTestKit.run();
        String model = run + "-m";
        FleetTestKit kit = new FleetTestKit(channel);
        Watch watch = kit.join(run + "-dev", Map.of("fleet", run));
        produce(event(model, 1, null));
        String rollout = awaitRollout(model, 1);
        assertTrue(leases.claim(rollout, "replica-b")); // replica b drives it from now on
        policy(model, Map.of("fleet", run), ONE_WAVE, null);
        given().post("/rollouts/" + rollout + "/start").then().statusCode(200);
        Assignment a = watch.nextFor(model);
        kit.report(watch.deviceId(), a, DeviceModelState.ACTIVE);

        // every wave is ACTIVE and needs no soak, but this instance does not step a rollout replica b drives
        RolloutTestSupport.awaitTicks(3); // two whole ticks of this instance's scheduler
        assertEquals("ROLLING_OUT", status(rollout));
        assertEquals("replica-b", leases.driverOf(rollout));

        TestClock.advancePast(config.rolloutLease()); // replica b died: its lease lapses
        await().atMost(Duration.ofSeconds(RolloutTestSupport.WAIT_S)).until(() -> "COMPLETED".equals(status(rollout)));
        assertEquals(leases.instance(), leases.driverOf(rollout));
        watch.cancel();
    }

    @Test
    void leasesAreHandedBackByName() {
        assertNull(leases.driverOf("no-such-rollout"));
        assertFalse(leases.claim("no-such-rollout", "replica-a"));
    }

    /** What another replica commits when it starts a rollout; the pushes it would send go nowhere here. */
    private void startRolloutElsewhere(ModelOptimized event) {
        List<VariantOption> variants = event.getVariantsList().stream()
                .map(v -> new VariantOption(
                        v.getVariantId(),
                        v.getTarget(),
                        v.getFormat(),
                        v.getArtifactSha256(),
                        v.getSizeBytes(),
                        v.getEstimate().getRamBytes(),
                        -1,
                        v.getAccuracy(),
                        v.getVariantId().equals(event.getRecommendedVariantId()),
                        "",
                        "",
                        v.getSignature()))
                .toList();
        TestClock.CLOCK.advance(Duration.ofMillis(1));
        QuarkusTransaction.requiringNew().run(() -> fleet.startRollout(event, variants, ""));
    }

    /** A NOTIFY on the fleet channel from a connection of its own, as another instance sends it. */
    private static void notifyAsAnotherReplica(String payload) throws SQLException {
        Config c = ConfigProvider.getConfig();
        try (Connection conn = DriverManager.getConnection(
                        c.getValue("quarkus.datasource.jdbc.url", String.class),
                        c.getValue("quarkus.datasource.username", String.class),
                        c.getOptionalValue("quarkus.datasource.password", String.class)
                                .orElse(""));
                PreparedStatement ps = conn.prepareStatement("select pg_notify('edgeloop_fleet', ?)")) {
            ps.setString(1, payload);
            ps.execute();
        }
    }
}
