package io.edgeloop.deployment;

import static io.edgeloop.deployment.FleetTestKit.ONE_WAVE;
import static io.edgeloop.deployment.FleetTestKit.awaitDeployed;
import static io.edgeloop.deployment.FleetTestKit.event;
import static io.edgeloop.deployment.FleetTestKit.policy;
import static io.edgeloop.deployment.RolloutTestSupport.produce;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgeloop.deployment.RolloutTestSupport.Watch;
import io.edgeloop.deployment.domain.ReportIntake;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.batch.GroupCommit;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.events.v1.Deployed;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A rollout wave's acknowledgements arriving at once are applied in group commits ({@link ReportIntake}): every
 * device's report lands, reports for an unknown deployment mixed into the burst fail alone (NOT_FOUND) without
 * failing the reports that shared their batch, and the rollout completes with every device active.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class ReportBurstTest {
    private static final int DEVICES = 24;
    private static final int BAD = 4;

    @GrpcClient("devices")
    Channel channel;

    @Inject
    ReportIntake intake;

    @Test
    void aWaveOfAcknowledgementsLandsAndBadReportsFailAlone() throws Exception {
        FleetTestKit kit = new FleetTestKit(channel);
        String run = "burst" + FleetTestKit.run();
        policy(run, Map.of("fleet", run), ONE_WAVE, null);
        List<Watch> watches = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            watches.add(kit.join(run + "-" + i, Map.of("fleet", run)));
        }
        produce(event(run, 1, null));
        List<Assignment> assigned = new ArrayList<>();
        for (Watch w : watches) {
            assigned.add(w.nextFor(run));
        }
        GroupCommit.Stats before = intake.stats();

        ExecutorService pool = Executors.newFixedThreadPool(DEVICES + BAD);
        List<Future<?>> good = new ArrayList<>();
        List<Future<StatusRuntimeException>> bad = new ArrayList<>();
        try {
            for (int i = 0; i < DEVICES; i++) {
                Watch w = watches.get(i);
                Assignment a = assigned.get(i);
                good.add(pool.submit(() -> {
                    kit.report(w.deviceId(), a, DeviceModelState.DOWNLOADING);
                    kit.report(w.deviceId(), a, DeviceModelState.ACTIVE);
                    return null;
                }));
            }
            for (int i = 0; i < BAD; i++) {
                String device = watches.get(i).deviceId();
                bad.add(pool.submit(() -> assertThrows(
                        StatusRuntimeException.class,
                        () -> kit.stub()
                                .reportState(DeviceStateReport.newBuilder()
                                        .setDeviceId(device)
                                        .setDeploymentId("no-such-deployment")
                                        .setState(DeviceModelState.ACTIVE)
                                        .build()))));
            }
            for (Future<?> f : good) {
                f.get(2, TimeUnit.MINUTES);
            }
            for (Future<StatusRuntimeException> f : bad) {
                StatusRuntimeException e = f.get(2, TimeUnit.MINUTES);
                assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
                assertEquals("no deployment 'no-such-deployment'", e.getStatus().getDescription());
            }
        } finally {
            pool.shutdownNow();
        }

        Deployed completed = awaitDeployed(run, 1, "completed");
        assertEquals(DEVICES, completed.getDevicesActive());
        for (Watch w : watches) {
            given().get("/devices/" + w.deviceId())
                    .then()
                    .statusCode(200)
                    .body("models[0].reported.state", equalTo("ACTIVE"))
                    .body("models[0].inSync", equalTo(true));
        }
        assertEquals(
                2L * DEVICES + BAD, intake.stats().items() - before.items(), "every report went through the commits");
    }
}
