package io.edgeloop.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The OpenTelemetry SDK runs only when spans go somewhere, and an explicit setting always wins. */
class TracingDefaultsTest {

    private static Optional<Boolean> sdkDisabled(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .withSources(new TracingDefaults())
                .build();
        return config.getOptionalValue(TracingDefaults.SDK_DISABLED, Boolean.class);
    }

    @Test
    void noExporterEndpointDisablesTheSdk() {
        assertEquals(Optional.of(true), sdkDisabled(Map.of("quarkus.application.name", "edge-agent")));
        assertEquals(Optional.of(true), sdkDisabled(Map.of(TracingDefaults.ZIPKIN, " ")), "a blank endpoint is none");
    }

    @Test
    void anExporterEndpointLeavesTheSdkOn() {
        assertEquals(Optional.empty(), sdkDisabled(Map.of(TracingDefaults.ZIPKIN, "http://zipkin:9411/api/v2/spans")));
        assertEquals(Optional.empty(), sdkDisabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://c:4317")));
        assertEquals(
                Optional.empty(), sdkDisabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://c:4317")));
    }

    @Test
    void anExplicitSettingWins() {
        assertEquals(Optional.of(false), sdkDisabled(Map.of(TracingDefaults.SDK_DISABLED, "false")));
        assertEquals(
                Optional.of(true),
                sdkDisabled(Map.of(TracingDefaults.SDK_DISABLED, "true", TracingDefaults.ZIPKIN, "http://z:9411")));
    }
}
