package io.edgeloop.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.ModelTrained;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Replicas and crashes during one run of the loop. Training, compiler and deployment run as two instances each
 * against the same Kafka and PostgreSQL, and the two agents talk to different deployment instances. While the loop
 * runs, a chaos thread kills (SIGKILL) the training instance that runs the first model's job after its first epoch,
 * the compiler instance that compiles it, and the deployment instance that drives its rollout while the wave is in
 * flight; each is restarted afterwards. The other replica takes each job or rollout over once the lease lapsed, and
 * the loop completes with exactly one model version per snapshot, one ModelTrained per snapshot, one rollout per
 * version and one completed Deployed per version. Every rollout reaches both agents although one instance decides
 * its assignments: the other instance delivers them to the agent connected to it.
 */
class ReplicaChaosIT {
    private static final Map<String, Integer> REPLICAS =
            Map.of("training-service", 2, "compiler-service", 2, "deployment-service", 2);

    @Test
    void theLoopCompletesWhileAReplicaOfEachStageIsKilled() throws Exception {
        try (LocalStack stack = LocalStack.builder()
                        .home(LoopEndToEndIT.home())
                        .agents(2)
                        .zipkin(false)
                        .fixedPorts(false)
                        .replicas(REPLICAS)
                        .serviceProperty("edgeloop.jobs.lease", "6s")
                        .serviceProperty("edgeloop.deployment.rollout-lease", "6s")
                        .log(line -> System.out.println("[chaos] " + line))
                        .build()
                        .start();
                EventWatcher events = new EventWatcher(
                        stack.watcherKafkaConfig(), o -> System.out.println("[chaos] " + LoopDriver.describe(o)))) {
            assertNotEquals(
                    stack.fleetInstanceOf("edge-001"),
                    stack.fleetInstanceOf("edge-002"),
                    "the agents talk to different deployment instances");
            List<String> struck = Collections.synchronizedList(new ArrayList<>());
            Thread chaos = new Thread(() -> strike(stack, struck), "chaos");
            chaos.setDaemon(true);
            chaos.start();

            LoopReport report = new LoopDriver(
                            stack, events, line -> System.out.println("[chaos] " + line), Duration.ofMinutes(5))
                    .run();
            chaos.join(Duration.ofMinutes(3).toMillis()); // the restarts finish
            System.out.println(Summary.render(report, stack));
            assertEquals(3, struck.size(), "chaos strikes done: " + struck);

            // one model version per snapshot, each announced once
            assertEquals(
                    List.of(LoopDriver.DATASET + "@v1", LoopDriver.DATASET + "@v2"),
                    report.versions().stream()
                            .map(LoopReport.Version::snapshotId)
                            .toList());
            Map<String, Long> trained = events.events(ModelTrained.class).stream()
                    .collect(Collectors.groupingBy(ModelTrained::getSnapshotId, Collectors.counting()));
            assertEquals(Map.of(LoopDriver.DATASET + "@v1", 1L, LoopDriver.DATASET + "@v2", 1L), trained);

            // the killed instances' jobs were finished by the other replica: a second attempt, done
            JsonNode train = job(
                    stack, "training-service", "train", report.versions().get(0).trainingRunId());
            assertEquals("DONE", train.path("status").asText(), train.toString());
            assertEquals(2, train.path("attempts").asInt(), train.toString());
            JsonNode compile = jobs(stack, "compiler-service", "DONE").stream()
                    .filter(j -> j.path("attempts").asInt() == 2)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no compile job finished on a second attempt"));
            assertEquals("compile", compile.path("kind").asText());

            // one rollout per version, each completed once, and every device on the last version
            Map<Integer, Long> rollouts = list(stack.url("deployment-service") + "/rollouts?limit=100").stream()
                    .collect(Collectors.groupingBy(r -> r.path("modelVersion").asInt(), Collectors.counting()));
            assertEquals(Map.of(1, 1L, 2, 1L), rollouts);
            Map<Integer, Long> completed = events.events(Deployed.class).stream()
                    .filter(d -> "completed".equals(d.getPhase()))
                    .collect(Collectors.groupingBy(Deployed::getModelVersion, Collectors.counting()));
            assertEquals(Map.of(1, 1L, 2, 1L), completed);
            int last = report.versions().get(1).version();
            assertEquals(Map.of("edge-001", last, "edge-002", last), report.devices());
        }
    }

    /**
     * The chaos thread: three strikes, in loop order, each as soon as its moment comes (polled every 200 ms); each
     * victim is restarted on a thread of its own, so the next strike is not delayed. Gives up after 10 minutes.
     */
    private static void strike(LocalStack stack, List<String> struck) {
        List<Strike> plan = List.of(
                new Strike("training mid-epoch", "training-service", ReplicaChaosIT::trainingAfterFirstEpoch),
                new Strike("compiler mid-compilation", "compiler-service", s -> runningJobOwner(s, "compiler-service")),
                new Strike("deployment mid-wave", "deployment-service", ReplicaChaosIT::rolloutDriver));
        List<Thread> restarts = new ArrayList<>();
        try {
            for (Strike strike : plan) {
                AtomicReference<String> victim = new AtomicReference<>();
                await().atMost(Duration.ofMinutes(10))
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions() // an instance restarting does not answer
                        .until(() -> {
                            victim.set(strike.victim()
                                    .apply(stack)
                                    .flatMap(pid -> instanceOf(stack, strike.service(), pid))
                                    .orElse(null));
                            return victim.get() != null;
                        });
                stack.kill(victim.get());
                struck.add(strike.what() + ": " + victim.get());
                System.out.println("[chaos] " + strike.what() + ": killed " + victim.get());
                Thread restart = new Thread(() -> {
                    try {
                        stack.restart(victim.get());
                    } catch (Exception e) {
                        System.out.println("[chaos] restarting " + victim.get() + " failed: " + e);
                    }
                });
                restart.start();
                restarts.add(restart);
            }
            for (Thread t : restarts) {
                t.join();
            }
        } catch (Exception | AssertionError e) {
            System.out.println("[chaos] stopped: " + e);
        }
    }

    /** A chaos strike: what it hits, the service, and the pid of the instance to kill once the moment came. */
    private record Strike(String what, String service, Function<LocalStack, Optional<Long>> victim) {}

    /** The pid of the training instance whose run is past its first epoch and still running. */
    private static Optional<Long> trainingAfterFirstEpoch(LocalStack stack) {
        for (JsonNode job : jobs(stack, "training-service", "RUNNING")) {
            JsonNode run = Json.get(stack.url("training-service") + "/training-runs/"
                            + job.path("key").asText())
                    .body();
            if ("RUNNING".equals(run.path("status").asText())
                    && run.path("progress").path("epoch").asInt() >= 1) {
                return ownerPid(job.path("leaseOwner").asText());
            }
        }
        return Optional.empty();
    }

    /** The pid of the instance running a job of {@code service}, if one runs. */
    private static Optional<Long> runningJobOwner(LocalStack stack, String service) {
        return jobs(stack, service, "RUNNING").stream()
                .findFirst()
                .flatMap(j -> ownerPid(j.path("leaseOwner").asText()));
    }

    /** The pid of the deployment instance that drives a rollout in progress, if one is. */
    private static Optional<Long> rolloutDriver(LocalStack stack) {
        return list(stack.url("deployment-service") + "/rollouts?limit=100").stream()
                .filter(r -> "ROLLING_OUT".equals(r.path("status").asText()))
                .map(r -> r.path("id").asText())
                .map(id -> Json.get(stack.url("deployment-service") + "/rollouts/" + id)
                        .body())
                .filter(r -> !r.path("drivenBy").asText().isEmpty())
                .findFirst()
                .flatMap(r -> ownerPid(r.path("drivenBy").asText()));
    }

    /** Lease owners start with {@code <application>@<pid>-} (jobs) or {@code <pid>@<host>-} (rollouts). */
    private static Optional<Long> ownerPid(String owner) {
        for (String part : owner.split("[@-]")) {
            if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                return Optional.of(Long.parseLong(part));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> instanceOf(LocalStack stack, String service, long pid) {
        return stack.instances(service).stream()
                .filter(i -> {
                    try {
                        return stack.pid(i) == pid;
                    } catch (IllegalArgumentException e) {
                        return false; // not running now
                    }
                })
                .findFirst();
    }

    private static List<JsonNode> jobs(LocalStack stack, String service, String status) {
        return list(stack.url(service) + "/ops/jobs?status=" + status + "&limit=100");
    }

    private static JsonNode job(LocalStack stack, String service, String kind, String key) {
        return jobs(stack, service, "DONE").stream()
                .filter(j -> kind.equals(j.path("kind").asText())
                        && key.equals(j.path("key").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no DONE " + kind + " job " + key + " on " + service));
    }

    private static List<JsonNode> list(String url) {
        Json.Reply r = Json.get(url);
        if (r.status() != 200) {
            throw new IllegalStateException(url + " -> " + r);
        }
        List<JsonNode> out = new ArrayList<>();
        r.body().forEach(out::add);
        return out;
    }
}
