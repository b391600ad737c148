package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.DataClient;
import io.edgeloop.console.clients.MonitoringClient;
import io.edgeloop.console.clients.RegistryClient;
import io.edgeloop.console.clients.RegistryViews.Version;
import io.edgeloop.console.clients.Upstream;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@code /monitoring}: the alerts panel (every model's input and performance drift now) and one model's drift per
 * feature (named from its data set), its drift over time and live performance per version and per segment (role
 * viewer).
 */
@Path("/monitoring")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class MonitoringPages {
    /** Models the alerts panel reads, at most (two calls to monitoring each). */
    static final int MAX_ALERT_MODELS = 30;

    /** Versions whose live figures a model's page shows, newest first. */
    static final int LIVE_VERSIONS = 5;

    @Inject
    ConsoleSession session;

    @Inject
    @RestClient
    RegistryClient registry;

    @Inject
    @RestClient
    MonitoringClient monitoring;

    @Inject
    @RestClient
    DataClient data;

    @Inject
    LiveFigures live;

    /** Every model with its alerts, each linking to its monitoring page. */
    @GET
    public TemplateInstance models() {
        String bearer = session.bearer();
        var models = Upstream.call(ModelPages.REGISTRY, () -> registry.models(bearer)).stream()
                .sorted(Comparator.comparing(m -> m.name()))
                .limit(MAX_ALERT_MODELS)
                .toList();
        List<AlertRow> alerts = new ArrayList<>();
        for (var m : models) {
            var drift = Upstream.optional(LiveFigures.MONITORING, () -> monitoring.drift(bearer, m.name()));
            if (drift.isEmpty()) {
                alerts.add(AlertRow.notDeployed(m.name()));
                continue;
            }
            int v = drift.get().modelVersion();
            var perf = Upstream.optional(LiveFigures.MONITORING, () -> monitoring.performance(bearer, m.name(), v));
            alerts.add(AlertRow.of(m.name(), drift.get(), perf.orElse(null)));
        }
        return Pages.monitoring(session.viewer(), alerts);
    }

    /**
     * Drift of the model's deployed version (404 when monitoring has seen no deployment of it), its features named
     * from the data set it was trained on, its drift over time (monitoring's recorded evaluations) and its live
     * performance.
     */
    @GET
    @Path("{name}")
    public TemplateInstance drift(@PathParam("name") String name) {
        String model = Names.model(name);
        String bearer = session.bearer();
        var drift = Upstream.call(LiveFigures.MONITORING, () -> monitoring.drift(bearer, model));
        List<Version> versions = Upstream.optional(ModelPages.REGISTRY, () -> registry.versions(bearer, model))
                .orElse(List.of());
        List<String> featureNames = versions.stream()
                .filter(v -> v.version() == drift.modelVersion() && v.lineage() != null)
                .map(v -> v.lineage().datasetName())
                .filter(ds -> ds != null)
                .findFirst()
                .flatMap(ds -> Upstream.optional("data-service", () -> data.dataset(bearer, ds)))
                .map(ds -> ds.featureNames() == null ? List.<String>of() : ds.featureNames())
                .orElse(List.of());
        List<Integer> recent = versions.stream()
                .map(Version::version)
                .sorted(Comparator.reverseOrder())
                .limit(LIVE_VERSIONS)
                .toList();
        if (recent.isEmpty()) {
            recent = List.of(drift.modelVersion());
        }
        DriftHistoryView history = Upstream.optional(
                        LiveFigures.MONITORING, () -> monitoring.driftHistory(bearer, model, DriftHistoryView.LIMIT))
                .map(h -> DriftHistoryView.of(h, featureNames))
                .orElseGet(DriftHistoryView::unavailable);
        return Pages.drift(
                session.viewer(),
                DriftView.of(drift, featureNames),
                history,
                live.of(bearer, model, recent, drift.modelVersion()));
    }
}
