package io.edgeloop.kit.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the outbox relay ({@code edgeloop.outbox.*}). */
@ConfigMapping(prefix = "edgeloop.outbox")
public interface OutboxConfig {
    /** Whether this process relays outbox rows to Kafka. */
    @WithDefault("true")
    boolean enabled();

    /** How often pending rows are polled when no commit woke the relay up. */
    @WithDefault("250ms")
    Duration pollInterval();

    /** Rows published per transaction. */
    @WithDefault("100")
    int batchSize();

    /** How long one publish may wait for the broker's acknowledgement. */
    @WithDefault("10s")
    Duration sendTimeout();

    /** Failed publishes of one row before it is parked (reported, replayable) so that its key stops waiting. */
    @WithDefault("10")
    int maxAttempts();

    /** How long published rows are kept. */
    @WithDefault("7d")
    Duration retention();

    /** How long consumed event ids are remembered (longer than the topics keep records, so redeliveries dedupe). */
    @WithDefault("30d")
    Duration inboxRetention();
}
