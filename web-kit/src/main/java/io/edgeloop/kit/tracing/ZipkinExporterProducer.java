package io.edgeloop.kit.tracing;

import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Exports spans to Zipkin's v2 API (e.g. {@code http://127.0.0.1:9411/api/v2/spans}) when
 * {@code edgeloop.tracing.zipkin-endpoint} is set; otherwise spans are created (and propagated) but not exported.
 * Quarkus' OpenTelemetry picks up every {@link SpanExporter} bean.
 */
@Singleton
public class ZipkinExporterProducer {

    @Produces
    @Singleton
    SpanExporter zipkin(@ConfigProperty(name = "edgeloop.tracing.zipkin-endpoint") Optional<String> endpoint) {
        if (endpoint.isEmpty() || endpoint.get().isBlank()) {
            return new NoopExporter();
        }
        return ZipkinSpanExporter.builder().setEndpoint(endpoint.get()).build();
    }

    private static final class NoopExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
