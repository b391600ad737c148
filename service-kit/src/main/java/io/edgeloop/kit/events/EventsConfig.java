package io.edgeloop.kit.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How consumers retry failed events ({@code edgeloop.events.*}). */
@ConfigMapping(prefix = "edgeloop.events")
public interface EventsConfig {
    /** Attempts per event before it goes to the dead-letter topic as transient. */
    @WithDefault("5")
    int maxAttempts();

    /** Delay before the first retry; it doubles on each retry. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** Longest delay between retries. */
    @WithDefault("5s")
    Duration maxBackoff();
}
