package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.EmbeddedKafka;
import io.edgeloop.embedded.KafkaBroker;
import io.edgeloop.embedded.containers.KafkaContainer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts a Kafka broker and sets {@code kafka.bootstrap.servers}: in-process by default, in a container when {@link
 * TestInfra} says so; with Dev Services it starts none and {@link #broker()} is the one Quarkus started.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
    private static KafkaBroker kafka;

    /** The running broker (for tests that produce or consume directly). */
    public static synchronized KafkaBroker broker() {
        if (kafka == null && TestInfra.devServices()) {
            kafka = new ConfiguredKafka(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return kafka;
    }

    @Override
    public synchronized Map<String, String> start() {
        if (TestInfra.devServices()) {
            return Map.of();
        }
        kafka = TestInfra.containers()
                ? KafkaContainer.start()
                : EmbeddedKafka.builder().build().start();
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public synchronized void stop() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** A broker someone else started and stops (Dev Services): the address only; closing it does nothing. */
    private record ConfiguredKafka(String bootstrapServers) implements KafkaBroker {
        @Override
        public Map<String, Object> adminClientConfig() {
            return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }

        @Override
        public void close() {}
    }
}
