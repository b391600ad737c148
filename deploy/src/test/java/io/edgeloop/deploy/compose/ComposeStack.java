package io.edgeloop.deploy.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Compose stack of {@code deploy/compose/docker-compose.yml} on the local images, as a user runs it: the engine
 * and images from {@code deploy/containers/images.sh}, the secrets from the launcher's {@code secrets init} and
 * {@code secrets-owners.sh}, then {@code docker-compose up}; {@code down -v --remove-orphans} removes it again. Runs
 * under its own project name, so that what it leaves behind can be found by the project label.
 */
final class ComposeStack {
    /** The Compose project name (containers, networks and volumes carry it as a label). */
    static final String PROJECT = "edgeloopit";

    static final String COMPOSE_FILE = "deploy/compose/docker-compose.yml";
    static final String LOCAL_IMAGES = "deploy/compose/local-images.env";
    static final String SECRETS = "deploy/compose/secrets";

    /** Compose services with a health check that must report healthy before the loop starts. */
    static final List<String> HEALTHY = List.of(
            "postgres",
            "kafka",
            "zipkin",
            "data-service",
            "training-service",
            "compiler-service",
            "registry-service",
            "deployment-service",
            "monitoring-service",
            "console");

    private final Path root;
    private final Shell shell;

    ComposeStack(Path root, Shell shell) {
        this.root = root;
        this.shell = shell;
    }

    /**
     * Installs and starts the engine where missing ({@code images.sh --engine-only}); empty when it answers, else
     * why not (the script's last lines).
     */
    Optional<String> engineUnavailable() {
        Shell.Result r = shell.run(Duration.ofMinutes(10), "bash", "deploy/containers/images.sh", "--engine-only");
        return r.ok() ? Optional.empty() : Optional.of("exit " + r.exit() + ": " + r.tail(15));
    }

    /** Builds (or re-uses) the base image and builds every image of the stack; returns the script's output. */
    String buildImages() {
        return shell.check(Duration.ofMinutes(30), "bash", "deploy/containers/images.sh")
                .output();
    }

    /** Writes the stack's secrets (kept where they exist) and gives each file to its container's user. */
    void secrets(Path deployJar) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        shell.check(
                Duration.ofMinutes(2),
                java,
                "-Xmx256m",
                "-jar",
                deployJar.toString(),
                "secrets",
                "init",
                "--dir",
                SECRETS,
                "--agents",
                "2");
        shell.check(Duration.ofMinutes(1), "sh", "deploy/compose/secrets-owners.sh", SECRETS);
    }

    /** The admin token {@code secrets init} wrote. */
    String adminToken() {
        try {
            return Files.readString(root.resolve(SECRETS).resolve("auth/admin.token"))
                    .trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code docker-compose up -d} of the whole file on the local images. */
    void up() {
        shell.check(Duration.ofMinutes(10), compose("up", "-d"));
    }

    /** Stops and starts one service's container ({@code docker-compose restart}). */
    void restart(String service) {
        shell.check(Duration.ofMinutes(3), compose("restart", service));
    }

    /** Kills one service's container with SIGKILL ({@code docker-compose kill -s SIGKILL}): no shutdown runs. */
    void kill(String service) {
        shell.check(Duration.ofMinutes(1), compose("kill", "-s", "SIGKILL", service));
    }

    /** Starts one service's stopped container again ({@code docker-compose start}). */
    void start(String service) {
        shell.check(Duration.ofMinutes(3), compose("start", service));
    }

    /** {@code docker-compose down -v --remove-orphans}. */
    Shell.Result down() {
        return shell.run(Duration.ofMinutes(5), compose("down", "-v", "--remove-orphans", "--timeout", "20"));
    }

    /** The last lines of every container's log (for a failure's diagnosis), into the shell's log. */
    void dumpLogs() {
        shell.run(Duration.ofMinutes(2), compose("logs", "--no-color", "--tail", "150"));
        shell.run(Duration.ofMinutes(1), compose("ps"));
    }

    /** Each service's container status as {@code docker ps} shows it ("Up 2 minutes (healthy)"), by service. */
    Map<String, String> statuses() {
        Shell.Result r = shell.run(
                Duration.ofSeconds(30),
                "docker",
                "ps",
                "-a",
                "--filter",
                "label=com.docker.compose.project=" + PROJECT,
                "--format",
                "{{.Label \"com.docker.compose.service\"}}\t{{.Status}}");
        Map<String, String> out = new LinkedHashMap<>();
        r.output().lines().map(l -> l.split("\t", 2)).filter(p -> p.length == 2).forEach(p -> out.put(p[0], p[1]));
        return out;
    }

    /** Whether every service of {@link #HEALTHY} reports healthy. */
    boolean healthy(Map<String, String> statuses) {
        return HEALTHY.stream().allMatch(s -> statuses.getOrDefault(s, "").contains("(healthy)"));
    }

    /**
     * What of the project is still there: containers, networks and volumes carrying its label (each as "kind:
     * name"); empty once {@code down -v} removed everything.
     */
    List<String> leftovers() {
        List<String> out = new ArrayList<>();
        String label = "label=com.docker.compose.project=" + PROJECT;
        for (String kind : List.of("container", "network", "volume")) {
            List<String> cmd = new ArrayList<>(List.of("docker", kind, "ls", "-q", "--filter", label));
            if (kind.equals("container")) {
                cmd.add("-a");
            }
            Shell.Result r = shell.check(Duration.ofSeconds(30), cmd.toArray(String[]::new));
            r.output().lines().filter(l -> !l.isBlank()).forEach(l -> out.add(kind + ": " + l.trim()));
        }
        return out;
    }

    private String[] compose(String... args) {
        List<String> cmd = new ArrayList<>(
                List.of("docker-compose", "-p", PROJECT, "--env-file", LOCAL_IMAGES, "-f", COMPOSE_FILE));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }
}
