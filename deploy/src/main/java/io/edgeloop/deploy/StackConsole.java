package io.edgeloop.deploy;

import io.edgeloop.embedded.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The web console of a local stack: one more JVM with a capped heap, on 127.0.0.1:8080 with fixed ports (else a free
 * port), pointed at every service's first instance. Users log in with their own token, which the console forwards;
 * it also gets a viewer identity of its own ({@code <work dir>/auth/tokens/console.token}).
 */
final class StackConsole {
    /** The console's process (and log file) name. */
    static final String NAME = "console";

    static final int FIXED_PORT = 8080;

    private StackConsole() {}

    /**
     * Where the console reads the loop's events: the broker and the console's own Kafka login ({@code
     * security.protocol}, {@code sasl.*}).
     */
    record Events(String bootstrapServers, Map<String, String> login) {}

    /**
     * Starts the console and waits until it is ready; returns its base URL, or null when the console was not built.
     *
     * @param services every service's base URL, by name
     */
    static String start(
            Path home,
            Path workDir,
            boolean fixedPorts,
            Map<String, String> services,
            StackAuth auth,
            StackTracing tracing,
            Events events,
            ProcessSupervisor processes,
            Consumer<String> log)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path jar = JvmCommands.quarkusJar(home, NAME);
        if (!Files.exists(jar)) {
            log.accept("console     not started: " + jar + " is missing (build it with ./mvnw install -DskipTests)");
            return null;
        }
        int port = fixedPorts ? FIXED_PORT : Ports.free();
        Path token = auth.identityFile(NAME, "service:" + NAME, "viewer");
        List<String> cmd = command(jar, workDir, port, services, auth, tracing, events, token);
        // the JAAS line holds the password: through the environment, not the command line
        Map<String, String> env = Map.of("EDGELOOP_KAFKA_JAAS", events.login().get("sasl.jaas.config"));
        processes.add(ManagedProcess.start(
                NAME, cmd, workDir.resolve("run/" + NAME), workDir.resolve("logs/" + NAME + ".log"), env));
        String url = "http://127.0.0.1:" + port;
        processes.awaitHealthy(NAME, url + "/q/health/ready", Duration.ofSeconds(120));
        log.accept(String.format(
                "console     %s ready in %.1f s (log in with a token)", url, (System.nanoTime() - t0) / 1e9));
        return url;
    }

    /** The console's command line (the token is a file and the Kafka password in the environment, never here). */
    static List<String> command(
            Path jar,
            Path workDir,
            int port,
            Map<String, String> services,
            StackAuth auth,
            StackTracing tracing,
            Events events,
            Path tokenFile) {
        List<String> cmd = new ArrayList<>(List.of(
                JvmCommands.javaBin(),
                "-Xmx160m",
                "-XX:+UseSerialGC",
                "-XX:MaxMetaspaceSize=192m",
                "-Xss1m",
                "-Djava.io.tmpdir=" + workDir.resolve("tmp")));
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dedgeloop.auth.public-key=" + auth.verificationKeysFile());
        cmd.add("-Dedgeloop.auth.revocation-file=" + auth.revocationFile());
        cmd.add("-Dedgeloop.tracing.zipkin-endpoint=" + tracing.spanEndpoint());
        cmd.add("-Dedgeloop.console.token-file=" + tokenFile);
        services.forEach((name, url) -> cmd.add("-Dedgeloop.console.services." + name + "=" + url));
        // the live event stream (the launcher's broker is always secured: a login of the console's own)
        cmd.addAll(JvmCommands.kafkaClient(events.bootstrapServers(), events.login()));
        if (tracing.zipkinUrl() != null) {
            cmd.add("-Dedgeloop.console.trace-url=" + tracing.zipkinUrl() + "/zipkin/traces/{traceId}");
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }
}
