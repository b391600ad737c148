package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.ONE_WAVE;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.deployment.grpc.WatchOpens;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.batch.Admission;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fleet reconnecting at once (every device reopens its watch in the same instant, as after a restart of the
 * deployment service) queues for turns ({@code edgeloop.deployment.watch-opens.concurrency}, 2 in tests) instead of
 * racing for the connection pool: every device gets its stream and its current assignment, none is refused.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class WatchBurstTest {
    private static final int DEVICES = 40;

    @GrpcClient("devices")
    Channel channel;

    @Inject
    WatchOpens watchOpens;

    @Test
    void aFleetReconnectingAtOnceQueuesForTurnsAndEveryDeviceGetsItsAssignment() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "reconnect" + FleetTestKit.run();
        policy(run, Map.of("fleet", run), ONE_WAVE, null);
        List<Watch> watches = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            watches.add(kit.join(run + "-" + i, Map.of("fleet", run)));
        }
        produce(event(run, 1, null));
        List<String> deployments = new ArrayList<>();
        for (Watch w : watches) {
            deployments.add(w.nextFor(run).getDeploymentId());
            w.cancel();
        }
        Admission.Stats before = watchOpens.stats();

        List<Watch> reopened = new ArrayList<>();
        for (Watch w : watches) { // non-blocking opens: all are in flight together
            reopened.add(Watch.open(channel, w.deviceId()));
        }
        for (int i = 0; i < DEVICES; i++) {
            Assignment current = reopened.get(i).nextFor(run);
            assertEquals(deployments.get(i), current.getDeploymentId(), "device " + i + " got its current assignment");
        }

        Admission.Stats after = watchOpens.stats();
        assertEquals(DEVICES, after.admitted() - before.admitted(), "every open went through the admission");
        assertEquals(before.refused(), after.refused(), "no open was refused");
        assertEquals(2, after.concurrency());
        assertTrue(after.peak() <= 2, "at most 2 opens read the database at once: " + after);
        for (Watch w : reopened) {
            w.cancel();
        }
    }
}
