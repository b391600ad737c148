package io.edgeloop.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The child processes of a {@link LocalStack}, by instance name: readiness checks, crash (SIGKILL) for chaos tests,
 * and stopping all in reverse start order.
 */
final class ProcessSupervisor {
    private final List<ManagedProcess> processes = Collections.synchronizedList(new ArrayList<>());

    /** Adds a started process. */
    ManagedProcess add(ManagedProcess p) {
        processes.add(p);
        return p;
    }

    /** The running process named {@code name}, if any. */
    Optional<ManagedProcess> find(String name) {
        synchronized (processes) {
            return processes.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }

    /**
     * Kills {@code name} with SIGKILL (no shutdown hooks run, nothing is handed back) and forgets it.
     *
     * @throws IllegalArgumentException when no such process runs
     */
    void kill(String name) {
        ManagedProcess p = find(name).orElseThrow(() -> new IllegalArgumentException("no running process " + name));
        p.kill();
        processes.remove(p);
    }

    /**
     * Asks {@code name} to stop (SIGTERM; SIGKILL after {@code grace}), forgets it and returns its exit code.
     *
     * @throws IllegalArgumentException when no such process runs
     */
    int stop(String name, Duration grace) {
        ManagedProcess p = find(name).orElseThrow(() -> new IllegalArgumentException("no running process " + name));
        p.stop(grace);
        processes.remove(p);
        return p.exitCode();
    }

    /**
     * Waits until {@code url} answers 200 (polled every 500 ms); fails at once when the process {@code name} exited.
     *
     * @throws IllegalStateException when it exited or the timeout passed, with the last lines of its log
     */
    void awaitHealthy(String name, String url, Duration timeout) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        ManagedProcess proc = find(name).orElse(null);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (proc != null && !proc.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up (exit code " + proc.exitCode()
                        + "); last log lines (" + proc.logFile() + "):\n" + proc.tail(40));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " not healthy after " + timeout + " (" + last + ")"
                + (proc != null ? "; last log lines:\n" + proc.tail(40) : ""));
    }

    /** Stops every process, newest first, each with {@code grace} before it is killed. */
    void stopAll(Duration grace) {
        List<ManagedProcess> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        Collections.reverse(all);
        all.parallelStream().forEach(p -> p.stop(grace));
    }
}
