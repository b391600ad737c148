package io.edgeloop.deploy;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.ModelTrained;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A chaos thread for the end-to-end loop on a stack with replicas. It kills (SIGKILL), in loop order and each as soon
 * as its moment comes: the training instance that runs the first model's job after its first epoch, the compiler
 * instance that compiles it, the deployment instance whose lease drives its rollout while the canary wave is in
 * flight, monitoring once the first rollout completed and telemetry flows (mid-window: the agents keep windows
 * spooled until acknowledged), data-service as soon as monitoring published the drift (before, while or just after
 * it cuts the drift snapshot: the consumer's transaction and inbox make every case one snapshot), and the registry as
 * soon as the second model is trained (while the compiler downloads it and uploads its variants). Each victim is
 * restarted on a thread of its own. {@link #awaitDone} lists what was hit.
 */
final class Chaos implements AutoCloseable {
    private final List<String> struck = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final Thread thread;

    private Chaos(LocalStack stack, EventWatcher events) {
        this.thread = new Thread(() -> strike(stack, events, struck, loopDone), "chaos");
        thread.setDaemon(true);
    }

    /** Starts striking {@code stack}; {@code events} tells when the later moments come. */
    static Chaos start(LocalStack stack, EventWatcher events) {
        Chaos chaos = new Chaos(stack, events);
        chaos.thread.start();
        return chaos;
    }

    /**
     * Waits (at most {@code limit}) until every strike was made and every victim restarted; returns the strikes. A
     * replica of data, registry or monitoring is restarted only now: the loop ran to its end on the other replica.
     */
    List<String> awaitDone(Duration limit) throws InterruptedException {
        loopDone.countDown();
        thread.join(limit.toMillis());
        return List.copyOf(struck);
    }

    @Override
    public void close() {
        thread.interrupt();
    }

    /** Services whose killed replica stays down until the loop is done, when they run as replicas. */
    private static final Set<String> RESTARTED_AFTER_THE_LOOP =
            Set.of("data-service", "registry-service", "monitoring-service");

    /** The strikes, in loop order. */
    static final int STRIKES = 6;

    /**
     * The chaos thread: the strikes in loop order, each as soon as its moment comes (polled every 200 ms); each
     * victim is restarted on a thread of its own, so the next strike is not delayed. Gives up after 10 minutes.
     */
    private static void strike(LocalStack stack, EventWatcher events, List<String> struck, CountDownLatch loopDone) {
        List<Strike> plan = List.of(
                new Strike("training mid-epoch", "training-service", Chaos::trainingAfterFirstEpoch),
                new Strike("compiler mid-compilation", "compiler-service", s -> runningJobOwner(s, "compiler-service")),
                new Strike("deployment mid-wave", "deployment-service", Chaos::rolloutDriver),
                new Strike(
                        "monitoring mid-window",
                        "monitoring-service",
                        s -> when(
                                s,
                                "monitoring-service",
                                () -> events.events(Deployed.class).stream()
                                                .anyMatch(
                                                        d -> d.getPhaseKind() == DeployedPhase.DEPLOYED_PHASE_COMPLETED)
                                        && telemetryFlows(s))),
                new Strike(
                        "data mid-drift-snapshot",
                        "data-service",
                        s -> when(
                                s,
                                "data-service",
                                () -> !events.events(DriftDetected.class).isEmpty())),
                new Strike(
                        "registry mid-upload",
                        "registry-service",
                        s -> when(
                                s,
                                "registry-service",
                                () -> events.events(ModelTrained.class).size() >= 2)));
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
                // a service whose clients reach every replica (data, registry, monitoring) goes on without the
                // victim until the loop is done; the others are restarted at once (jobs and leases move over)
                boolean later = RESTARTED_AFTER_THE_LOOP.contains(strike.service())
                        && stack.instances(strike.service()).size() > 1;
                Thread restart = new Thread(() -> {
                    try {
                        if (later) {
                            loopDone.await();
                        }
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

    /** The pid of a single-instance {@code service} once {@code moment} holds. */
    private static Optional<Long> when(LocalStack stack, String service, BooleanSupplier moment) {
        return moment.getAsBoolean() ? Optional.of(stack.pid(service)) : Optional.empty();
    }

    /** Whether monitoring holds telemetry windows of a rolled-out model from the first device. */
    private static boolean telemetryFlows(LocalStack stack) {
        Json.Reply r = Json.get(stack.url("monitoring-service") + "/devices/"
                + stack.deviceIds().get(0) + "/telemetry?limit=1");
        return r.status() == 200
                && r.body().path("windows").path(0).path("modelVersion").asInt() >= 1;
    }

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

    static List<JsonNode> jobs(LocalStack stack, String service, String status) {
        return list(stack.url(service) + "/ops/jobs?status=" + status + "&limit=100");
    }

    static JsonNode job(LocalStack stack, String service, String kind, String key) {
        return jobs(stack, service, "DONE").stream()
                .filter(j -> kind.equals(j.path("kind").asText())
                        && key.equals(j.path("key").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no DONE " + kind + " job " + key + " on " + service));
    }

    static List<JsonNode> list(String url) {
        Json.Reply r = Json.get(url);
        if (r.status() != 200) {
            throw new IllegalStateException(url + " -> " + r);
        }
        List<JsonNode> out = new ArrayList<>();
        r.body().forEach(out::add);
        return out;
    }
}
