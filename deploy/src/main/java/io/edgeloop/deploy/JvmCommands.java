package io.edgeloop.deploy;

import io.edgeloop.deploy.StackLayout.ServiceSpec;
import io.edgeloop.embedded.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command lines of a local stack's JVMs: one per service instance and one per edge agent, each with a capped
 * heap, loopback-only servers, the stack's trace endpoint and keys, and the gRPC addresses of its peers. Secrets
 * (database password, Kafka login) are referenced through the environment, never written on a command line.
 */
final class JvmCommands {
    private final Path home;
    private final Path workDir;
    private final StackLayout layout;
    private final StackTracing tracing;
    private final StackAuth auth;

    /**
     * One simulated edge device.
     *
     * @param index 1-based, seeds its simulator
     * @param simulator whether its built-in sensor simulator runs
     * @param labels the labels it registers with
     * @param properties further system properties (e.g. {@code edgeloop.agent.telemetry.capture-inputs})
     */
    record Agent(
            String deviceId,
            int httpPort,
            int grpcPort,
            int index,
            boolean simulator,
            Map<String, String> labels,
            Map<String, String> properties) {
        Agent(String deviceId, int httpPort, int grpcPort, int index, boolean simulator, Map<String, String> labels) {
            this(deviceId, httpPort, grpcPort, index, simulator, labels, Map.of());
        }
    }

    JvmCommands(Path home, Path workDir, StackLayout layout, StackTracing tracing, StackAuth auth) {
        this.home = home;
        this.workDir = workDir;
        this.layout = layout;
        this.tracing = tracing;
        this.auth = auth;
    }

    /**
     * A Kafka client's settings for a JVM of the stack: the broker, the login's protocol and mechanism, and its JAAS
     * line read from {@code EDGELOOP_KAFKA_JAAS} (the password stays off the command line).
     */
    static List<String> kafkaClient(String bootstrap, Map<String, String> login) {
        return List.of(
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dkafka.security.protocol=" + login.get("security.protocol"),
                "-Dkafka.sasl.mechanism=" + login.get("sasl.mechanism"),
                "-Dkafka.sasl.jaas.config=${EDGELOOP_KAFKA_JAAS}");
    }

    /**
     * A service instance. The JVM reads the database password from {@code QUARKUS_DATASOURCE_PASSWORD} and the
     * Kafka JAAS line from {@code EDGELOOP_KAFKA_JAAS}.
     */
    List<String> service(
            ServiceSpec s,
            String kafkaBootstrap,
            Map<String, String> kafkaLogin,
            EmbeddedPostgresServer.Credentials db,
            Map<String, String> extraProperties) {
        List<String> cmd = new ArrayList<>(jvm(s.heap()));
        cmd.add("-Dquarkus.http.port=" + s.httpPort());
        if (s.grpcPort() > 0) {
            cmd.add("-Dquarkus.grpc.server.port=" + s.grpcPort());
        }
        cmd.addAll(kafkaClient(kafkaBootstrap, kafkaLogin));
        cmd.add("-Dquarkus.datasource.jdbc.url=" + db.jdbcUrl());
        cmd.add("-Dquarkus.datasource.username=" + db.user());
        // every JVM of the stack shares one machine: a new connection (SCRAM login, a PostgreSQL backend) can take
        // longer than Agroal's 5 s default while a dozen JVMs start at once, which failed a start-up's migration
        cmd.add("-Dquarkus.datasource.jdbc.acquisition-timeout=30S");
        cmd.addAll(commonProps(layout.first("deployment-service")));
        cmd.add("-Dedgeloop.auth.token-file=" + auth.serviceTokenFile(s.name()));
        if (s.name().equals("deployment-service")) {
            cmd.add("-Dedgeloop.auth.device-issuer-key=" + auth.deviceIssuerKeyFile());
        }
        if (s.name().equals("deployment-service") || s.name().equals("registry-service")) {
            cmd.add("-Dedgeloop.auth.grant-key=" + auth.grantKeyFile()); // grants: signed by one, checked by the other
        }
        cmd.add("-Dedgeloop.registry.storage-dir="
                + workDir.resolve("registry-artifacts").toAbsolutePath());
        extraProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(quarkusJar(home, s.name()).toString());
        return cmd;
    }

    /** An edge agent talking to the deployment-service instance {@code fleet}, enrolling with {@code token}. */
    List<String> agent(Agent a, ServiceSpec fleet, Path enrollmentToken) {
        List<String> cmd = new ArrayList<>(jvm("192m"));
        cmd.addAll(agentProperties(a, fleet, enrollmentToken));
        cmd.add("-jar");
        cmd.add(quarkusJar(home, "edge-agent").toString());
        return cmd;
    }

    /**
     * An agent started from the unpacked device bundle {@code bundle} ({@code bin/edgeloop-agent} with the bundle's
     * own Java runtime and JVM options): the command, and the whole environment it runs with, which holds only
     * {@code PATH} (the few tools of {@code tools}, no java) and {@code JAVA_OPTS} (the agent's settings).
     */
    BundleAgent bundleAgent(Agent a, ServiceSpec fleet, Path enrollmentToken, Path bundle, Path tools) {
        List<String> props = agentProperties(a, fleet, enrollmentToken);
        props.stream()
                .filter(p -> p.chars().anyMatch(Character::isWhitespace))
                .findFirst()
                .ifPresent(p -> {
                    throw new IllegalArgumentException("a bundle agent's JAVA_OPTS cannot hold whitespace: " + p);
                });
        return new BundleAgent(
                List.of(bundle.resolve("bin/edgeloop-agent").toString()),
                Map.of("PATH", tools.toString(), "JAVA_OPTS", String.join(" ", props)));
    }

    /** The command and complete environment of an agent run from its device bundle. */
    record BundleAgent(List<String> command, Map<String, String> environment) {}

    /** The system properties that configure agent {@code a}. */
    private List<String> agentProperties(Agent a, ServiceSpec fleet, Path enrollmentToken) {
        List<String> cmd = new ArrayList<>();
        cmd.add("-Dquarkus.http.port=" + a.httpPort());
        cmd.add("-Dquarkus.grpc.server.port=" + a.grpcPort()); // KServe v2 / Open Inference Protocol
        cmd.add("-Dedgeloop.agent.device-id=" + a.deviceId());
        cmd.add("-Dedgeloop.agent.model-dir=" + workDir.resolve("agents/" + a.deviceId() + "/models"));
        cmd.add("-Dedgeloop.agent.simulator.enabled=" + a.simulator());
        cmd.add("-Dedgeloop.agent.simulator.seed=" + (1000 + a.index()));
        // the local stack's agents serve their own Prometheus series (off by default on devices: ~1.4 MB RSS)
        cmd.add("-Dedgeloop.agent.metrics.enabled=true");
        a.labels().forEach((k, v) -> cmd.add("-Dedgeloop.agent.labels." + k + "=" + v));
        a.properties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-Dquarkus.otel.service.name=" + a.deviceId());
        cmd.addAll(commonProps(fleet));
        cmd.add("-Dedgeloop.agent.enrollment-token-file=" + enrollmentToken);
        cmd.add("-Dedgeloop.auth.token-file="
                + workDir.resolve("agents/" + a.deviceId()).resolve("credential.token"));
        return cmd;
    }

    /** Settings of every JVM; {@code fleet} is the deployment-service instance its DeviceService calls go to. */
    private List<String> commonProps(ServiceSpec fleet) {
        List<String> p = new ArrayList<>();
        p.add("-Dquarkus.http.host=127.0.0.1");
        p.add("-Dquarkus.grpc.server.host=127.0.0.1");
        p.add("-Dedgeloop.tracing.zipkin-endpoint=" + tracing.spanEndpoint());
        p.add("-Dquarkus.otel.bsp.schedule.delay=1s");
        p.add("-Dedgeloop.auth.public-key=" + auth.verificationKeysFile());
        p.add("-Dedgeloop.auth.revocation-file=" + auth.revocationFile());
        grpcClient(p, "dataset", "data-service");
        grpcClient(p, "registry", "registry-service");
        p.add("-Dquarkus.grpc.clients.devices.host=127.0.0.1");
        p.add("-Dquarkus.grpc.clients.devices.port=" + fleet.grpcPort());
        grpcClient(p, "telemetry", "monitoring-service");
        return p;
    }

    /**
     * The gRPC client {@code client} of {@code service}: its one address, or with replicas a Stork static list of
     * every replica, so calls are spread over the replicas that are up and move to another when one dies.
     */
    private void grpcClient(List<String> p, String client, String service) {
        List<ServiceSpec> replicas = layout.replicasOf(service);
        if (replicas.size() <= 1) {
            p.add("-Dquarkus.grpc.clients." + client + ".host=127.0.0.1");
            p.add("-Dquarkus.grpc.clients." + client + ".port="
                    + layout.first(service).grpcPort());
            return;
        }
        p.add("-Dquarkus.grpc.clients." + client + ".host=" + service);
        p.add("-Dquarkus.grpc.clients." + client + ".name-resolver=stork");
        p.add("-Dquarkus.stork." + service + ".service-discovery.type=static");
        p.add("-Dquarkus.stork." + service + ".service-discovery.address-list="
                + String.join(
                        ",",
                        replicas.stream().map(r -> "127.0.0.1:" + r.grpcPort()).toList()));
    }

    private List<String> jvm(String heap) {
        return List.of(
                javaBin(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:MaxMetaspaceSize=256m",
                "-Xss1m",
                "-Djava.io.tmpdir=" + workDir.resolve("tmp"));
    }

    /** The runnable jar of a built module. */
    static Path quarkusJar(Path home, String module) {
        return home.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** This JVM's java launcher. */
    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
