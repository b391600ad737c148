package io.edgeloop.agent.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * No OpenTelemetry SDK on a device that sends its spans nowhere (issue 15, the lean agent): unless a trace exporter
 * endpoint is configured ({@value #ZIPKIN}, {@code quarkus.otel.exporter.otlp[.traces].endpoint}), this source sets
 * {@code quarkus.otel.sdk.disabled=true} (measured: 3 threads and ~3 MB less, its span processor and exporter
 * pipeline). Its ordinal ({@value #ORDINAL}) is below {@code application.properties}, the environment and system
 * properties, so an explicit {@code quarkus.otel.sdk.disabled} always wins. Without the SDK the agent creates no spans
 * and its calls to the fleet carry no trace context; with an endpoint (the launcher always sets one) traces work as
 * before. Registered in {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}.
 */
public final class TracingDefaults implements ConfigSourceFactory {
    /** The agent's Zipkin endpoint (web-kit's exporter). */
    static final String ZIPKIN = "edgeloop.tracing.zipkin-endpoint";

    /** Below application.properties (250), so any explicit setting wins. */
    static final int ORDINAL = 200;

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";

    private static final List<String> ENDPOINTS =
            List.of(ZIPKIN, "quarkus.otel.exporter.otlp.endpoint", "quarkus.otel.exporter.otlp.traces.endpoint");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean exporter = ENDPOINTS.stream().anyMatch(name -> isSet(context.getValue(name)));
        if (exporter) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of(SDK_DISABLED, "true"), "edge-agent tracing default", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
