package io.edgeloop.console.web;

import io.edgeloop.console.clients.DeploymentClient;
import io.edgeloop.console.clients.FleetViews.Device;
import io.edgeloop.console.clients.MonitoringClient;
import io.edgeloop.console.clients.MonitoringViews.Performance;
import io.edgeloop.console.clients.MonitoringViews.Segment;
import io.edgeloop.console.clients.Upstream;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads a model's live performance from monitoring-service: per version, and per segment for every device label key
 * the fleet uses (read from deployment-service's devices). Each figure is optional: what cannot be read is named in
 * the view's note instead of failing the page.
 */
@ApplicationScoped
public class LiveFigures {
    static final String MONITORING = "monitoring-service";

    /** Label keys the segments are read for, at most. */
    static final int MAX_LABEL_KEYS = 4;

    private final MonitoringClient monitoring;
    private final DeploymentClient deployment;

    LiveFigures(@RestClient MonitoringClient monitoring, @RestClient DeploymentClient deployment) {
        this.monitoring = monitoring;
        this.deployment = deployment;
    }

    /** Live figures of {@code versions} (newest first) and per segment of {@code segmentVersion}. */
    public LiveView of(String bearer, String model, List<Integer> versions, int segmentVersion) {
        List<Performance> perfs = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int v : versions) {
            Optional<Performance> p = Upstream.optional(MONITORING, () -> monitoring.performance(bearer, model, v));
            p.ifPresentOrElse(perfs::add, () -> missing.add("v" + v));
        }
        Map<String, List<Segment>> segments = new LinkedHashMap<>();
        Optional<List<Device>> devices = Upstream.optional(FleetPage.DEPLOYMENT, () -> deployment.devices(bearer));
        for (String key : labelKeys(devices.orElse(List.of()))) {
            Upstream.optional(MONITORING, () -> monitoring.segments(bearer, model, key, segmentVersion))
                    .ifPresent(s -> segments.put(key, s));
        }
        String note = "";
        if (!missing.isEmpty()) {
            note = "monitoring-service gave no live figures for " + String.join(", ", missing) + ". ";
        }
        if (devices.isEmpty()) {
            note += "deployment-service did not list the devices, so no segment is shown.";
        }
        return LiveView.of(perfs, segments, note.trim());
    }

    /** The label keys devices carry, sorted, at most {@link #MAX_LABEL_KEYS}. */
    static List<String> labelKeys(List<Device> devices) {
        TreeSet<String> keys = new TreeSet<>();
        for (Device d : devices) {
            if (d.labels() != null) {
                keys.addAll(d.labels().keySet());
            }
        }
        return keys.stream().limit(MAX_LABEL_KEYS).toList();
    }
}
