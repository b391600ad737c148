package io.edgeloop.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Map;

/**
 * {@code kafka.*}: the Kafka client settings every EdgeLoop service takes ({@code kafka.bootstrap.servers} and, on a
 * secured broker, {@code kafka.security.protocol}, {@code kafka.sasl.mechanism}, {@code kafka.sasl.jaas.config}),
 * passed as they are to the console's event consumer. No {@code bootstrap.servers}: the console reads no events.
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaSettings {
    /** Every {@code kafka.<key>} as {@code <key>} -> value. */
    @WithParentName
    Map<String, String> properties();
}
