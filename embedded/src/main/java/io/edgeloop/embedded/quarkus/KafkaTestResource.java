package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.EmbeddedKafka;
import io.edgeloop.embedded.KafkaBroker;
import io.edgeloop.embedded.containers.KafkaContainer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a Kafka broker and sets {@code kafka.bootstrap.servers}: in-process by default, in a container when {@link
 * TestInfra} says so.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
    private static KafkaBroker kafka;

    /** The running broker (for tests that produce or consume directly). */
    public static synchronized KafkaBroker broker() {
        return kafka;
    }

    @Override
    public synchronized Map<String, String> start() {
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
}
