package io.edgeloop.deploy;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A chaos thread for end-to-end tests on a stack with replicas: it kills (SIGKILL) the training instance that runs a
 * model's job after its first epoch, the compiler instance that compiles one, and the deployment instance that drives
 * a rollout while its wave is in flight, in that order, each as soon as its moment comes; each victim is restarted
 * on a thread of its own. {@link #struck()} lists what was hit.
 */
final class Chaos implements AutoCloseable {
    private final List<String> struck = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    private Chaos(LocalStack stack) {
        this.thread = new Thread(() -> strike(stack, struck), "chaos");
        thread.setDaemon(true);
    }

    /** Starts striking {@code stack}. */
    static Chaos start(LocalStack stack) {
        Chaos chaos = new Chaos(stack);
        chaos.thread.start();
        return chaos;
    }

    /** Waits (at most {@code limit}) until every strike was made and every victim restarted; returns the strikes. */
    List<String> awaitDone(Duration limit) throws InterruptedException {
        thread.join(limit.toMillis());
        return List.copyOf(struck);
    }

    @Override
    public void close() {
        thread.interrupt();
    }

    /**
     * The chaos thread: three strikes, in loop order, each as soon as its moment comes (polled every 200 ms); each
     * victim is restarted on a thread of its own, so the next strike is not delayed. Gives up after 10 minutes.
     */
    private static void strike(LocalStack stack, List<String> struck) {
        List<Strike> plan = List.of(
                new Strike("training mid-epoch", "training-service", Chaos::trainingAfterFirstEpoch),
                new Strike("compiler mid-compilation", "compiler-service", s -> runningJobOwner(s, "compiler-service")),
                new Strike("deployment mid-wave", "deployment-service", Chaos::rolloutDriver));
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
