package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts an embedded Kafka broker and sets {@code kafka.bootstrap.servers}. */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
    private static EmbeddedKafka kafka;

    /** The running broker (for tests that produce or consume directly). */
    public static synchronized EmbeddedKafka broker() {
        return kafka;
    }

    @Override
    public synchronized Map<String, String> start() {
        kafka = EmbeddedKafka.builder().build().start();
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
