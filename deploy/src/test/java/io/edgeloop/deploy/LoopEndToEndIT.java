package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.GetSigningKeysRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The whole loop on real components: embedded Kafka and PostgreSQL, the six services and two edge agents as
 * separate JVMs. Two iterations, the second triggered by drift.
 *
 * <p>Every service runs as two replicas against the same Kafka and PostgreSQL, the two agents talk to different
 * deployment instances, and a {@link Chaos} thread kills every service once at its moment: the training instance that
 * runs the first model's job after its first epoch, the compiler instance that compiles it, the deployment instance
 * that drives its rollout mid-wave (each restarted at once), a monitoring replica while telemetry flows, a data-service
 * replica when the drift is published and a registry replica when the second model is trained (these three restarted
 * only after the loop: the clients of their gRPC APIs, services and agents, reach every replica through a Stork
 * static list and carry on with the other). The other
 * replica takes each job or rollout over once its lease lapsed, and the loop completes exactly once in effect: one
 * model version and one ModelTrained per snapshot, one rollout and one completed Deployed per version, no telemetry
 * window lost, every device on the last version although one instance decides its assignments (the other delivers
 * them to the agent connected to it).
 */
class LoopEndToEndIT {
    /**
     * The test's own progress lines: the stdout of the test's start, so that its threads (the event watcher, the loop
     * driver, the stack's log) stay out of what {@link #cli} captures while a command runs in this JVM.
     */
    private static final java.io.PrintStream LOG = System.out;

    /** The repository root the services were built in ({@code -Dedgeloop.home}, default the parent folder). */
    static Path home() {
        return Path.of(System.getProperty("edgeloop.home", ".."))
                .toAbsolutePath()
                .normalize();
    }

    /** The stack the loop just ran on refuses anonymous callers, wrong roles and revoked tokens. */
    private static void securityIsOn(LocalStack stack) throws Exception {
        String datasets = stack.url("data-service") + "/datasets";
        String policy = stack.url("deployment-service") + "/policies/someone-elses-model";
        for (String service : LocalStack.SERVICES) {
            assertEquals(200, call("GET", stack.url(service) + "/q/health/ready", null), service + " health is open");
        }
        assertEquals(401, call("GET", datasets, null));
        assertEquals(401, call("POST", datasets + "/" + LoopDriver.DATASET + "/snapshots", null));
        assertEquals(401, call("PUT", policy, null));
        assertEquals(401, call("GET", datasets, "not-a-token"));

        String viewer =
                stack.auth().mint("carol", Duration.ofHours(1), "viewer").value();
        assertEquals(200, call("GET", datasets, viewer));
        assertEquals(403, call("PUT", policy, viewer));
        assertEquals(403, call("POST", datasets + "/" + LoopDriver.DATASET + "/snapshots", viewer));

        String temp = stack.auth().mint("dave", Duration.ofHours(1), "release").value();
        assertEquals(200, call("GET", datasets, temp));
        assertEquals(List.of(tokenId(stack, "dave")), stack.auth().revoke("dave"));
        assertEquals(401, call("GET", datasets, temp), "a revoked token is refused from the next request on");

        // Kafka: the read-only watcher cannot forge an event that starts a rollout
        Map<String, Object> watcher = new HashMap<>(stack.watcherKafkaConfig());
        watcher.put("max.block.ms", 10_000);
        try (KafkaProducer<String, byte[]> forger =
                new KafkaProducer<>(watcher, new StringSerializer(), new ByteArraySerializer())) {
            // the broker's refusal surfaces from send() itself (a fatal producer-id denial) or from the future
            Exception e = assertThrows(
                    Exception.class,
                    () -> forger.send(new ProducerRecord<>(Topics.MODEL_OPTIMIZED, new byte[] {1}))
                            .get(20, TimeUnit.SECONDS));
            // denied either on the topic or, for the idempotent producer id, on the cluster
            assertTrue(
                    Stream.iterate((Throwable) e, t -> t != null, Throwable::getCause)
                            .anyMatch(AuthorizationException.class::isInstance),
                    () -> "expected an authorization refusal, got " + e);
        }
    }

    /**
     * Each agent enrolled with a one-time token and holds its own credential: with it, it can act neither as another
     * device nor as an operator, nor download an artifact without its assignment's grant; revoking it cuts it off in
     * every service at once.
     */
    private static void devicesActOnlyAsThemselves(LocalStack stack) throws Exception {
        Path dir1 = stack.workDir().resolve("agents/edge-001");
        assertTrue(!Files.exists(dir1.resolve("enrollment.token")), "the used enrollment token is deleted");
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir1.resolve("credential.token"))));
        String edge1 = Files.readString(dir1.resolve("credential.token")).strip();
        String edge2 = Files.readString(stack.workDir().resolve("agents/edge-002/credential.token"))
                .strip();
        assertEquals(403, call("GET", stack.url("deployment-service") + "/devices", edge1));
        assertEquals(403, call("GET", stack.url("data-service") + "/datasets", edge1));

        TelemetryWindow window = TelemetryWindow.newBuilder()
                .setWindowId(UUID.randomUUID().toString())
                .setDeviceId("edge-002")
                .setModelName("vibration")
                .setModelVersion(1)
                .build();
        ManagedChannel monitoring = channel(stack, "monitoring-service");
        ManagedChannel registry = channel(stack, "registry-service");
        ManagedChannel devices = channel(stack, "deployment-service");
        try {
            var asEdge1 = TelemetryServiceGrpc.newBlockingStub(monitoring).withCallCredentials(bearer(edge1));
            assertCode(Status.Code.PERMISSION_DENIED, () -> asEdge1.report(window), "telemetry as another device");
            var download =
                    DownloadRequest.newBuilder().setSha256("0".repeat(64)).build();
            assertCode(
                    Status.Code.PERMISSION_DENIED,
                    () -> ArtifactServiceGrpc.newBlockingStub(registry)
                            .withCallCredentials(bearer(edge1))
                            .download(download)
                            .hasNext(),
                    "a download without a grant");

            // revoking edge-002 revokes its credential everywhere
            assertEquals(
                    204, call("DELETE", stack.url("deployment-service") + "/devices/edge-002", stack.adminToken()));
            var asEdge2 = TelemetryServiceGrpc.newBlockingStub(monitoring).withCallCredentials(bearer(edge2));
            assertCode(Status.Code.UNAUTHENTICATED, () -> asEdge2.report(window), "telemetry of a revoked device");
            assertCode(
                    Status.Code.UNAUTHENTICATED,
                    () -> ArtifactServiceGrpc.newBlockingStub(registry)
                            .withCallCredentials(bearer(edge2))
                            .getSigningKeys(GetSigningKeysRequest.getDefaultInstance()),
                    "registry for a revoked device");
            assertCode(
                    Status.Code.UNAUTHENTICATED,
                    () -> DeviceServiceGrpc.newBlockingStub(devices)
                            .withCallCredentials(bearer(edge2))
                            .register(RegisterDeviceRequest.newBuilder()
                                    .setDeviceId("edge-002")
                                    .build()),
                    "fleet for a revoked device");
        } finally {
            monitoring.shutdownNow();
            registry.shutdownNow();
            devices.shutdownNow();
        }
    }

    /**
     * The killed instances' work was finished by the other replica (a second attempt, done) and nothing was done
     * twice: one ModelTrained per snapshot, one rollout per version, one completed Deployed per version.
     */
    private static void exactlyOnceDespiteTheCrashes(LocalStack stack, EventWatcher events, LoopReport report) {
        Map<String, Long> trained = events.events(ModelTrained.class).stream()
                .collect(Collectors.groupingBy(ModelTrained::getSnapshotId, Collectors.counting()));
        assertEquals(Map.of(LoopDriver.DATASET + "@v1", 1L, LoopDriver.DATASET + "@v2", 1L), trained);

        JsonNode train = Chaos.job(
                stack, "training-service", "train", report.versions().get(0).trainingRunId());
        assertEquals(2, train.path("attempts").asInt(), train.toString());
        // (the compiler's other jobs, e.g. a re-scoring that waited for the registry's alias, may take two attempts
        // too)
        Chaos.jobs(stack, "compiler-service", "DONE").stream()
                .filter(j -> "compile".equals(j.path("kind").asText())
                        && j.path("attempts").asInt() == 2)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no compile job finished on a second attempt"));

        Map<Integer, Long> rollouts = Chaos.list(stack.url("deployment-service") + "/rollouts?limit=100").stream()
                .collect(Collectors.groupingBy(r -> r.path("modelVersion").asInt(), Collectors.counting()));
        assertEquals(Map.of(1, 1L, 2, 1L), rollouts);
        Map<Integer, Long> completed = events.events(Deployed.class).stream()
                .filter(d -> "completed".equals(d.getPhase()))
                .collect(Collectors.groupingBy(Deployed::getModelVersion, Collectors.counting()));
        assertEquals(Map.of(1, 1L, 2, 1L), completed);
    }

    /**
     * Every telemetry window an agent had acknowledged is stored once in monitoring, although monitoring was killed
     * while windows flowed: the count stored lies between the agent's acknowledged count read before and after it
     * (plus the one window that may be in flight).
     */
    private static void noTelemetryWindowLost(LocalStack stack) {
        for (int i = 0; i < stack.deviceIds().size(); i++) {
            String device = stack.deviceIds().get(i);
            String status = stack.agentUrls().get(i) + "/status";
            long before = Json.get(status)
                    .expect(200)
                    .body()
                    .path("telemetryWindowsSent")
                    .asLong();
            JsonNode windows = Json.get(stack.url("monitoring-service") + "/devices/" + device + "/telemetry?limit=500")
                    .expect(200)
                    .body()
                    .path("windows");
            long after = Json.get(status)
                    .expect(200)
                    .body()
                    .path("telemetryWindowsSent")
                    .asLong();
            int stored = windows.size();
            assertTrue(stored < 500, "too many windows to count with one page: " + stored);
            assertTrue(
                    before > 0 && before <= stored && stored <= after + 1,
                    device + ": acknowledged " + before + ".." + after + ", stored " + stored);
        }
    }

    /** {@code edgeloop ops} against the running stack: the job a crash interrupted, done on its second attempt. */
    private static void opsCommandSeesTheRetriedJobs(LocalStack stack, LoopReport report) {
        String dir = stack.workDir().toString();
        String jobs = cli("ops", "jobs", "--work-dir", dir, "--service", "training-service", "--status", "DONE");
        String runId = report.versions().get(0).trainingRunId();
        assertTrue(
                jobs.lines().anyMatch(l -> l.contains(runId) && l.contains("attempts 2/")),
                "ops jobs lists " + runId + " done on attempt 2:\n" + jobs);
        String dead;
        try {
            dead = cli("ops", "dead-letters", "--work-dir", dir);
        } catch (AssertionError e) {
            printErrorLines(stack.workDir().resolve("logs"));
            throw e;
        }
        assertEquals("", dead, "nothing was dead-lettered in the loop");
    }

    /** Runs the launcher's command line in this JVM and returns what it printed (it must exit 0). */
    private static String cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        int code;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            code = new picocli.CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, code, String.join(" ", args) + " failed:\n" + printed);
        return printed;
    }

    private static ManagedChannel channel(LocalStack stack, String service) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", stack.grpcPort(service))
                .usePlaintext()
                .build();
    }

    private static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    private static void assertCode(Status.Code expected, Executable call, String what) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call, what);
        assertEquals(expected, e.getStatus().getCode(), what + ": " + e.getStatus());
    }

    private static String tokenId(LocalStack stack, String subject) {
        return stack.auth().issued().stream()
                .filter(r -> r[1].equals(subject))
                .map(r -> r[0])
                .findFirst()
                .orElseThrow();
    }

    private static int call(String method, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? BodyPublishers.noBody() : BodyPublishers.ofString("{}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient()
                .send(b.build(), BodyHandlers.discarding())
                .statusCode();
    }

    /** On a failure, the deployment instances' rollout and registration lines: the logs go with the work dir. */
    /** Every service log's ERROR lines and the lines after each (the stack trace's head). */
    private static void printErrorLines(Path logs) {
        try (var files = Files.list(logs)) {
            for (Path log : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains(" ERROR ")) {
                        for (int j = i; j < Math.min(lines.size(), i + 8); j++) {
                            LOG.println("[e2e] " + log.getFileName() + ": " + lines.get(j));
                        }
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("[e2e] cannot read the service logs: " + e);
        }
    }

    private static void printRolloutLines(Path logs) {
        try (var files = Files.list(logs)) {
            for (Path log : files.filter(p -> p.getFileName().toString().startsWith("deployment-service"))
                    .sorted()
                    .toList()) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains("RolloutPlanner") || line.contains("FleetService") || line.contains("Rollout")) {
                        LOG.println("[e2e] " + log.getFileName() + ": " + line);
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("[e2e] cannot read the service logs: " + e);
        }
    }

    private static final Map<String, Integer> REPLICAS = Map.of(
            "data-service", 2,
            "training-service", 2,
            "compiler-service", 2,
            "registry-service", 2,
            "deployment-service", 2,
            "monitoring-service", 2);

    /**
     * Active learning as the demo runs it: the agents capture the inputs their model was unsure of (below confidence
     * 0.6 by default), monitoring turns them into SampleCaptured events, and data-service queues them as unlabeled
     * samples pre-labelled by the version that served them, with the device they came from; once v2's rollout
     * completed, compiler-service re-scored v1's captures with v2 (the production version), so they are pre-labelled
     * by what is in production now.
     */
    private static void activeLearningQueuesTheUnsureInputs(LoopDriver driver, EventWatcher events, int v1, int v2) {
        LoopReport.LabelQueue queue = org.awaitility.Awaitility.await("captured inputs in the labelling queue")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .until(driver::labelQueue, q -> q.captured() > 0);
        assertTrue(queue.leastConfidence() < 0.6, "captured below the agents' confidence threshold: " + queue);
        assertTrue(
                java.util.Set.of("v" + v1, "v" + v2).containsAll(queue.suggestedBy()),
                "pre-labelled by a served version: " + queue);
        assertTrue(
                !queue.devices().isEmpty()
                        && java.util.Set.of("edge-001", "edge-002").containsAll(queue.devices()),
                "captured on the agents: " + queue);
        assertTrue(
                !events.events(io.edgeloop.proto.events.v1.SampleCaptured.class).isEmpty(),
                "SampleCaptured events on the topic");
        LoopReport.LabelQueue rescored = org.awaitility.Awaitility.await("v1's captures re-scored by v2")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .until(driver::labelQueue, q -> q.rescored() > 0);
        assertEquals(java.util.Set.of("v" + v2), rescored.rescoredBy(), "re-scored by production: " + rescored);
        assertEquals(java.util.Set.of("v" + v1), rescored.rescoredCaptures(), "captured by v1: " + rescored);
    }

    @Test
    void driftTriggersRetrainingAndTheDevicesEndOnTheNewModelWhileReplicasAreKilled() throws Exception {
        Path home = home();
        Path workDir;
        try (LocalStack stack = LocalStack.builder()
                        .home(home)
                        .agents(2)
                        .zipkin(false)
                        .fixedPorts(false)
                        .replicas(REPLICAS)
                        .serviceProperty("edgeloop.jobs.lease", "6s")
                        .serviceProperty("edgeloop.deployment.rollout-lease", "6s")
                        .serviceProperty(Main.StackOptions.ACTIVE_LEARNING, "true") // as the demo runs
                        .log(line -> LOG.println("[e2e] " + line))
                        .build()
                        .start();
                EventWatcher events = new EventWatcher(
                        stack.watcherKafkaConfig(), o -> LOG.println("[e2e] " + LoopDriver.describe(o)));
                Chaos chaos = Chaos.start(stack, events)) {
            workDir = stack.workDir();
            assertNotEquals(
                    stack.fleetInstanceOf("edge-001"),
                    stack.fleetInstanceOf("edge-002"),
                    "the agents talk to different deployment instances");

            LoopReport report;
            LoopDriver driver =
                    new LoopDriver(stack, events, line -> LOG.println("[e2e] " + line), Duration.ofMinutes(5));
            try {
                report = driver.run();
            } catch (RuntimeException | AssertionError e) {
                printRolloutLines(stack.workDir().resolve("logs"));
                throw e;
            }
            System.out.println(Summary.render(report, stack));
            List<String> struck = chaos.awaitDone(Duration.ofMinutes(3));
            assertEquals(Chaos.STRIKES, struck.size(), "chaos strikes done: " + struck);

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
            // v2 learned the new regime: compared with its live baseline, the same regime raises no second drift
            assertEquals(
                    List.of(),
                    events.events(DriftDetected.class).stream()
                            .filter(d -> d.getModelVersion() == v2.version())
                            .map(d -> d.getModelVersion() + ": " + d.getDriftScore() + " vs "
                                    + d.getReferenceSnapshotId())
                            .toList(),
                    "DriftDetected for the retrained version");
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

            activeLearningQueuesTheUnsureInputs(driver, events, v1.version(), v2.version());
            io.edgeloop.deploy.cli.CliCheck.labellingQueue(stack, LoopDriver.DATASET, v2.version());
            exactlyOnceDespiteTheCrashes(stack, events, report);
            opsCommandSeesTheRetriedJobs(stack, report);
            noTelemetryWindowLost(stack);
            // what Prometheus scrapes after the loop, and every series the Grafana dashboard queries
            MetricsCheck.against(stack, home, report.devices().size());
            securityIsOn(stack);
            devicesActOnlyAsThemselves(stack);
        }

        // closing the stack leaves nothing behind: no child process (services, agents, PostgreSQL), no work dir
        assertEquals(
                List.of(),
                ProcessHandle.current().descendants().map(ProcessHandle::info).toList());
        assertTrue(!Files.exists(workDir), workDir + " was not removed");
    }
}
