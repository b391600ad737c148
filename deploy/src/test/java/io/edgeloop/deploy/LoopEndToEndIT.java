package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole loop on real components: embedded Kafka and PostgreSQL, the six services and two edge agents as
 * separate JVMs. Two iterations, the second triggered by drift.
 */
class LoopEndToEndIT {

    /** The repository root the services were built in ({@code -Dedgeloop.home}, default the parent folder). */
    static Path home() {
        return Path.of(System.getProperty("edgeloop.home", ".."))
                .toAbsolutePath()
                .normalize();
    }

    @Test
    void driftTriggersRetrainingAndTheDevicesEndOnTheNewModel() throws Exception {
        Path home = home();
        Path workDir;
        try (LocalStack stack = LocalStack.builder()
                        .home(home)
                        .agents(2)
                        .zipkin(false)
                        .fixedPorts(false)
                        .log(line -> System.out.println("[e2e] " + line))
                        .build()
                        .start();
                EventWatcher events = new EventWatcher(
                        stack.kafkaBootstrapServers(), o -> System.out.println("[e2e] " + LoopDriver.describe(o)))) {
            workDir = stack.workDir();

            LoopReport report = new LoopDriver(
                            stack, events, line -> System.out.println("[e2e] " + line), Duration.ofMinutes(4))
                    .run();
            System.out.println(Summary.render(report, stack));

            // two model versions with lineage: v2 descends from v1 and was trained on the later snapshot
            assertEquals(2, report.versions().size(), "model versions: " + report.versions());
            LoopReport.Version v1 = report.versions().get(0);
            LoopReport.Version v2 = report.versions().get(1);
            assertEquals(0, v1.parentVersion());
            assertEquals(v1.version(), v2.parentVersion());
            assertEquals(LoopDriver.DATASET + "@v1", v1.snapshotId());
            assertEquals(LoopDriver.DATASET + "@v2", v2.snapshotId());
            assertTrue(!v1.variants().isEmpty() && !v2.variants().isEmpty(), "optimized variants registered");

            // accuracy well above chance (4 classes -> 0.25), and the retrained model recovers on drifted data
            assertTrue(v1.testAccuracy() > 0.7, "v1 test accuracy " + v1.testAccuracy());
            assertTrue(v2.testAccuracy() > 0.7, "v2 test accuracy " + v2.testAccuracy());
            assertTrue(
                    report.liveAccuracyAfter() > report.liveAccuracyBefore(),
                    "retraining did not help on drifted data: " + report.liveAccuracyBefore() + " -> "
                            + report.liveAccuracyAfter());

            // every agent serves version 2
            report.devices().forEach((device, version) -> assertEquals(v2.version(), version, device));
            assertEquals(2, report.devices().size());

            // the events were really on the topics
            assertTrue(report.deployedEvents() >= 2, "Deployed events: " + report.deployedEvents());
            assertTrue(report.driftEvents() >= 1, "DriftDetected events: " + report.driftEvents());
            DriftDetected drift = events.events(DriftDetected.class).get(0);
            assertEquals(v1.version(), drift.getModelVersion());
            assertTrue(drift.getDriftScore() > drift.getThreshold());
            DataReady second = events.events(DataReady.class).stream()
                    .filter(e -> e.getDatasetVersion() == 2)
                    .findFirst()
                    .orElseThrow();
            assertEquals("drift", second.getTrigger());
            assertEquals(drift.getMeta().getEventId(), second.getMeta().getCausationId());
            // staged rollout: canary wave first, then completion with every device on v2, and no rollback
            List<Deployed> v2Events = events.events(Deployed.class).stream()
                    .filter(e -> e.getModelVersion() == v2.version())
                    .toList();
            Deployed completed = v2Events.stream()
                    .filter(e -> "completed".equals(e.getPhase()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no completed rollout of v2: " + v2Events));
            assertEquals(2, completed.getDevicesActive());
            assertTrue(v2Events.stream().noneMatch(e -> LoopDriver.ROLLED_BACK.equals(e.getPhase())));

            // one trace per iteration spans every service
            for (LoopReport.Iteration it : report.iterations()) {
                assertTrue(
                        it.tracedServices().containsAll(LocalStack.SERVICES),
                        "trace " + it.traceId() + " (" + it.trigger() + ") covers only " + it.tracedServices());
            }
        }

        // closing the stack leaves nothing behind: no child process (services, agents, PostgreSQL), no work dir
        assertEquals(
                List.of(),
                ProcessHandle.current().descendants().map(ProcessHandle::info).toList());
        assertTrue(!Files.exists(workDir), workDir + " was not removed");
    }
}
