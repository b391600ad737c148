package io.edgeloop.deployment;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real HTTP server standing in for monitoring-service's {@code GET /devices/{id}/telemetry}: tests put a device's
 * windows (JSON objects in monitoring's shape); unknown devices get 404 like the real service.
 */
public class FakeMonitoring implements QuarkusTestResourceLifecycleManager {
    private static final Map<String, List<String>> WINDOWS = new ConcurrentHashMap<>();
    private static final Map<String, Integer> REQUESTS = new ConcurrentHashMap<>();
    private HttpServer server;

    /** Serves {@code windowsJson} (newest first) for {@code deviceId}. */
    public static void put(String deviceId, List<String> windowsJson) {
        WINDOWS.put(deviceId, List.copyOf(windowsJson));
    }

    /** How many telemetry requests were made for {@code deviceId}. */
    public static int requests(String deviceId) {
        return REQUESTS.getOrDefault(deviceId, 0);
    }

    /** One window in monitoring's JSON shape. */
    public static String window(
            String model, int version, long inferences, long errors, double p99Us, Map<String, Long> classes) {
        StringBuilder counts = new StringBuilder("{");
        classes.forEach((k, v) -> counts.append(counts.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":")
                .append(v));
        counts.append('}');
        String now = java.time.Instant.now().toString();
        return "{\"windowId\":\"" + java.util.UUID.randomUUID() + "\",\"modelName\":\"" + model + "\",\"modelVersion\":"
                + version + ",\"variantId\":\"x\",\"windowStart\":\"" + now + "\",\"windowEnd\":\"" + now
                + "\",\"inferenceCount\":" + inferences + ",\"errorCount\":" + errors + ",\"featureCount\":8,"
                + "\"sampleCount\":0,\"latencyP50Us\":10.0,\"latencyP99Us\":" + p99Us + ",\"predictedClassCounts\":"
                + counts + ",\"buffered\":false,\"driftScore\":-1.0,\"driftDetected\":false,\"receivedAt\":\"" + now
                + "\"}";
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/devices/", exchange -> {
            String path = exchange.getRequestURI().getRawPath(); // /devices/{id}/telemetry
            String[] parts = path.split("/");
            String id = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
            REQUESTS.merge(id, 1, Integer::sum);
            List<String> windows = WINDOWS.get(id);
            byte[] body;
            int status;
            if (parts.length != 4 || !"telemetry".equals(parts[3]) || windows == null) {
                status = 404;
                body = "{\"status\":404,\"title\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = ("{\"deviceId\":\"" + id + "\",\"windows\":[" + String.join(",", windows) + "]}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return Map.of(
                "edgeloop.deployment.monitoring-url",
                "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
