package io.edgeloop.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A minimal in-process receiver of the Zipkin v2 span API ({@code POST /api/v2/spans}, JSON), so the stack can
 * check its traces when no Zipkin server runs. Keeps spans in memory.
 */
public final class TraceSink implements AutoCloseable {
    /** One received span. */
    public record SpanRecord(String traceId, String spanId, String parentId, String service, String name) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<SpanRecord> spans = new ArrayList<>();

    private TraceSink(HttpServer server) {
        this.server = server;
    }

    /** Starts the sink on a free loopback port. */
    public static TraceSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TraceSink sink = new TraceSink(server);
        server.createContext("/api/v2/spans", exchange -> {
            try (InputStream raw = exchange.getRequestBody()) {
                String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
                InputStream in = "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(raw) : raw;
                sink.accept(JSON.readTree(in));
                exchange.sendResponseHeaders(202, -1);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trace-sink");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return sink;
    }

    private synchronized void accept(JsonNode array) {
        for (JsonNode s : array) {
            spans.add(new SpanRecord(
                    s.path("traceId").asText(),
                    s.path("id").asText(),
                    s.path("parentId").asText(""),
                    s.path("localEndpoint").path("serviceName").asText(""),
                    s.path("name").asText("")));
        }
    }

    /** Zipkin v2 endpoint URL for exporters. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans";
    }

    /** Spans of {@code traceId} received so far. */
    public synchronized List<SpanRecord> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** Service names that reported spans of {@code traceId}. */
    public Set<String> services(String traceId) {
        Set<String> names = new TreeSet<>();
        trace(traceId).forEach(s -> names.add(s.service()));
        return names;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
