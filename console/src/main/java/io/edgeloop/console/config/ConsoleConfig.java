package io.edgeloop.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code edgeloop.console.*}: the services the console reads and the token it reads them with, the live event stream
 * of the overview and where trace ids link to.
 */
@ConfigMapping(prefix = "edgeloop.console")
public interface ConsoleConfig {
    /**
     * Base URL of each service by name ({@code registry-service}, ...); the REST clients' URLs are taken from it and
     * the overview checks each one's {@code /q/health/ready}.
     */
    Map<String, String> services();

    /**
     * Whether the console calls the services with the logged-in user's own token (default), so a user sees exactly
     * what their role allows; otherwise with the console's own token ({@link #tokenFile()}).
     */
    @WithDefault("true")
    boolean forwardUserToken();

    /**
     * File holding the console's own viewer token (never committed: the launcher mints it as
     * {@code <work dir>/auth/tokens/console.token}); used when {@link #forwardUserToken()} is off.
     */
    Optional<Path> tokenFile();

    /**
     * Link of a trace in the trace UI, {@code {traceId}} replaced by the event's trace id, e.g. {@code
     * http://127.0.0.1:9411/zipkin/traces/{traceId}} for Zipkin; unset: trace ids are shown without a link.
     */
    Optional<String> traceUrl();

    /** The overview's live event stream (read from Kafka when {@code kafka.bootstrap.servers} is set). */
    Events events();

    /** {@code edgeloop.console.events.*}. */
    interface Events {
        /** Whether the console reads the event topics at all (it also needs {@code kafka.bootstrap.servers}). */
        @WithDefault("true")
        boolean enabled();

        /** The topics read (the loop's five by default; the sample topics can be added). */
        @WithDefault("data-ready,model-trained,model-optimized,deployed,drift-detected")
        List<String> topics();

        /** The most recent events kept in memory and shown, newest first (1 to 10,000). */
        @WithDefault("200")
        int capacity();

        /** Events read back per topic partition when the console starts, before the live ones (0 to capacity). */
        @WithDefault("20")
        int replay();

        /**
         * Prefix of the consumer group: each console instance reads in a group of its own, {@code
         * <prefix>-<random id>}, and commits nothing (on a secured broker its user needs READ on groups with this
         * prefix and on the topics).
         */
        @WithDefault("console")
        String groupPrefix();
    }
}
