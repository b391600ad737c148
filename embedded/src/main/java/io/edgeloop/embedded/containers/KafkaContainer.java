package io.edgeloop.embedded.containers;

import io.edgeloop.embedded.KafkaBroker;
import io.edgeloop.embedded.Ports;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A single-node KRaft broker in a container, configured as {@link io.edgeloop.embedded.EmbeddedKafka} is (plaintext,
 * topics created on first use, one partition, replication 1) through the {@code KAFKA_*} environment that both the
 * local {@code edgeloop/kafka} image and {@code apache/kafka} read. The client port is the same number inside and
 * outside the container, so the advertised address {@code 127.0.0.1:port} works from the host.
 */
public final class KafkaContainer implements KafkaBroker {
    private final Broker container;
    private final int port;

    private KafkaContainer(int port) {
        this.port = port;
        this.container = new Broker(port);
    }

    /** Starts a broker in a container (up to 120 s, the image already present or pulled). */
    public static KafkaContainer start() {
        KafkaContainer k = new KafkaContainer(Ports.free());
        try {
            k.container.start();
        } catch (RuntimeException e) {
            k.close();
            throw new IllegalStateException(
                    "Kafka container " + Images.kafka() + " did not start: " + e.getMessage() + "\n" + k.logs(), e);
        }
        return k;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Map<String, Object> adminClientConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return c;
    }

    /** The engine's id of the container. */
    public String containerId() {
        return container.getContainerId();
    }

    /** The container's output so far (for failure messages). */
    public String logs() {
        return ContainerEngine.logsOf(container);
    }

    @Override
    public void close() {
        container.stop();
    }

    /** The container, with the host port bound to the same port inside. */
    private static final class Broker extends GenericContainer<Broker> {
        Broker(int port) {
            super(Images.kafka());
            addFixedExposedPort(port, port);
            withEnv("CLUSTER_ID", Uuid.randomUuid().toString());
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("NODE_ID", "1");
            settings.put("PROCESS_ROLES", "broker,controller");
            settings.put("LISTENERS", "PLAINTEXT://0.0.0.0:" + port + ",CONTROLLER://127.0.0.1:9093");
            settings.put("ADVERTISED_LISTENERS", "PLAINTEXT://127.0.0.1:" + port);
            settings.put("CONTROLLER_LISTENER_NAMES", "CONTROLLER");
            settings.put("LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            settings.put("CONTROLLER_QUORUM_VOTERS", "1@127.0.0.1:9093");
            settings.put("INTER_BROKER_LISTENER_NAME", "PLAINTEXT");
            settings.put("LOG_DIRS", "/tmp/kraft-logs");
            settings.put("OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
            settings.put("OFFSETS_TOPIC_NUM_PARTITIONS", "4");
            settings.put("TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
            settings.put("TRANSACTION_STATE_LOG_MIN_ISR", "1");
            settings.put("TRANSACTION_STATE_LOG_NUM_PARTITIONS", "4");
            settings.put("SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1");
            settings.put("SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
            settings.put("GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
            settings.put("AUTO_CREATE_TOPICS_ENABLE", "true");
            settings.put("NUM_PARTITIONS", "1");
            settings.forEach((k, v) -> withEnv("KAFKA_" + k, v));
            withEnv("KAFKA_HEAP_OPTS", "-Xms64m -Xmx256m");
            waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofSeconds(120)));
        }
    }
}
