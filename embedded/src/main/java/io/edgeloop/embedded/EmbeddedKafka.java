package io.edgeloop.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM on loopback.
 *
 * <p>With {@link Builder#secured(boolean)} clients must authenticate with SASL/SCRAM-SHA-256 and every operation is
 * authorized by ACLs (nothing is allowed without one): the broker's own {@code admin} super user is created when the
 * log directory is formatted, {@link #createUser(String)} adds users and {@link #grant} gives them topics and
 * consumer groups. The controller listener (internal, loopback) uses SASL/PLAIN with the same admin credential.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements KafkaBroker {
    private final int requestedPort;
    private final Path requestedLogDir;
    private final Map<String, String> overrides;
    private final boolean secured;
    private String adminPassword;
    private KafkaRaftServer server;
    private Path logDir;
    private boolean ownsLogDir;
    private int port;

    private EmbeddedKafka(Builder b) {
        this.requestedPort = b.port;
        this.requestedLogDir = b.logDir;
        this.overrides = Map.copyOf(b.overrides);
        this.secured = b.secured;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Formats the log directory, starts the broker and waits until it serves requests. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        port = requestedPort > 0 ? requestedPort : Ports.free();
        int controllerPort = Ports.free();
        try {
            ownsLogDir = requestedLogDir == null;
            logDir = ownsLogDir ? Files.createTempDirectory("edgeloop-kafka-") : requestedLogDir;
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log dir", e);
        }
        Properties p = new Properties();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        try {
            boolean formatted = Files.exists(logDir.resolve("meta.properties"));
            List<String> scram = List.of();
            if (secured) {
                adminPassword = KafkaSecurity.adminPassword(logDir, ownsLogDir, formatted);
                KafkaSecurity.brokerProperties(p, port, controllerPort, adminPassword);
                scram = List.of(KafkaSecurity.scramArgument(KafkaSecurity.ADMIN, adminPassword));
            }
            overrides.forEach(p::put);
            if (!formatted) {
                new Formatter()
                        .setScramArguments(scram)
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .addDirectory(logDir.toString())
                        .setMetadataLogDirectory(logDir.toString())
                        .setControllerListenerName("CONTROLLER")
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .run();
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            awaitReady(Duration.ofSeconds(60));
        } catch (Exception e) {
            close();
            throw new IllegalStateException("embedded Kafka failed to start: " + e.getMessage(), e);
        }
        return this;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("broker not ready after " + timeout, last);
    }

    /** {@code host:port} for clients. */
    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Bootstrap servers plus, when secured, the super user's SASL settings: for tools and tests that need all. */
    @Override
    public Map<String, Object> adminClientConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (secured) {
            c.putAll(KafkaSecurity.clientProperties(KafkaSecurity.ADMIN, adminPassword));
        }
        return c;
    }

    /** Whether clients must authenticate. */
    public boolean secured() {
        return secured;
    }

    /**
     * Creates (or gives a new password to) SCRAM-SHA-256 user {@code name} and returns the password; the user may do
     * nothing until {@link #grant} allows it. Only on a secured broker.
     */
    public String createUser(String name) {
        requireSecured();
        try (Admin admin = admin()) {
            return KafkaSecurity.createUser(admin, name);
        }
    }

    /**
     * Lets {@code user} write to {@code produce}, read {@code consume} and use consumer groups whose ids start with
     * {@code groupPrefix}; every topic in either list may be described.
     */
    public void grant(String user, Collection<String> produce, Collection<String> consume, String groupPrefix) {
        requireSecured();
        try (Admin admin = admin()) {
            KafkaSecurity.grant(admin, user, produce, consume, groupPrefix);
        }
    }

    /** Client settings ({@code security.protocol}, {@code sasl.*}) for {@code user}; empty when not secured. */
    public Map<String, String> clientSecurity(String user, String password) {
        return secured ? KafkaSecurity.clientProperties(user, password) : Map.of();
    }

    private void requireSecured() {
        if (!secured) {
            throw new IllegalStateException("this broker was built without secured(true)");
        }
    }

    /** Stops the broker and deletes its log directory if this instance created it. */
    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                server = null;
            }
        }
        if (ownsLogDir) {
            TempDirs.deleteQuietly(logDir);
        }
    }

    /** Optional settings. */
    public static final class Builder {
        private int port;
        private Path logDir;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private boolean secured;

        /** Broker port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Persistent log directory; by default a temporary one, deleted on close. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** Require SASL/SCRAM authentication and ACLs (default off: an open broker for tests). */
        public Builder secured(boolean secured) {
            this.secured = secured;
            return this;
        }

        /** Any broker property. */
        public Builder property(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
