package io.edgeloop.deployment.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.deployment.config.DeploymentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The default gate: reads each device's recent windows from monitoring-service
 * ({@code GET <monitoring-url>/devices/{id}/telemetry?limit=N}; 404 = no telemetry yet) and applies
 * {@link GateEvaluation}. When monitoring cannot be reached, the gate waits (and finally fails) if
 * {@code require-monitoring} is set, else it treats the devices as having sent no telemetry.
 */
@ApplicationScoped
public class MonitoringHealthGate implements HealthGate {
    private static final Logger LOG = Logger.getLogger(MonitoringHealthGate.class);

    @Inject
    DeploymentConfig config;

    @Inject
    ObjectMapper mapper;

    private final HttpClient http = HttpClient.newBuilder().build();

    @Override
    public GateVerdict evaluate(GateRequest request) {
        Map<String, List<TelemetryWindow>> windows = new HashMap<>();
        List<String> unavailable = new ArrayList<>();
        for (GateRequest.GateDevice d : request.devices()) {
            try {
                windows.put(d.deviceId(), fetch(d.deviceId()));
            } catch (MonitoringUnavailableException e) {
                unavailable.add(e.getMessage());
            }
        }
        if (!unavailable.isEmpty()) {
            LOG.warnf("rollout %s wave %d: %s", request.rolloutId(), request.wave(), unavailable);
            if (request.thresholds().requireMonitoring()) {
                return GateVerdict.waitFor(unavailable, GateVerdict.Metrics.NONE);
            }
        }
        GateVerdict v = GateEvaluation.evaluate(request, windows);
        if (unavailable.isEmpty()) {
            return v;
        }
        List<String> reasons = new ArrayList<>(v.reasons());
        reasons.addAll(unavailable);
        return new GateVerdict(v.outcome(), reasons, v.metrics());
    }

    /** The device's newest windows; empty when monitoring has none (404). */
    List<TelemetryWindow> fetch(String deviceId) {
        String base = config.monitoringUrl().replaceAll("/+$", "");
        URI uri = URI.create(base + "/devices/"
                + URLEncoder.encode(deviceId, StandardCharsets.UTF_8).replace("+", "%20") + "/telemetry?limit="
                + config.rollout().telemetryLimit());
        HttpResponse<byte[]> r;
        try {
            r = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(config.monitoringTimeout())
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new MonitoringUnavailableException("monitoring unreachable at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MonitoringUnavailableException("interrupted while reading telemetry of " + deviceId);
        }
        if (r.statusCode() == 404) {
            return List.of();
        }
        if (r.statusCode() != 200) {
            throw new MonitoringUnavailableException(
                    "monitoring answered " + r.statusCode() + " for the telemetry of " + deviceId);
        }
        try {
            JsonNode windows = mapper.readTree(r.body()).path("windows");
            List<TelemetryWindow> out = new ArrayList<>();
            for (JsonNode w : windows) {
                out.add(mapper.treeToValue(w, TelemetryWindow.class));
            }
            return out;
        } catch (IOException e) {
            throw new MonitoringUnavailableException("unreadable telemetry of " + deviceId + ": " + e.getMessage());
        }
    }

    /** Monitoring could not answer. */
    static final class MonitoringUnavailableException extends RuntimeException {
        MonitoringUnavailableException(String message) {
            super(message);
        }
    }
}
