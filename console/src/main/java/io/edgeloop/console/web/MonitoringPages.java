package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.MonitoringClient;
import io.edgeloop.console.clients.RegistryClient;
import io.edgeloop.console.clients.Upstream;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** {@code /monitoring}: drift per feature of a model's deployed version (role viewer). */
@Path("/monitoring")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class MonitoringPages {
    @Inject
    ConsoleSession session;

    @Inject
    @RestClient
    RegistryClient registry;

    @Inject
    @RestClient
    MonitoringClient monitoring;

    /** The models, each linking to its drift page. */
    @GET
    public TemplateInstance models() {
        String bearer = session.bearer();
        var models = Upstream.call(ModelPages.REGISTRY, () -> registry.models(bearer)).stream()
                .sorted(Comparator.comparing(m -> m.name()))
                .toList();
        return Pages.monitoring(session.user(), models);
    }

    /** Drift of the model's deployed version; 404 when monitoring has seen no deployment of it. */
    @GET
    @Path("{name}")
    public TemplateInstance drift(@PathParam("name") String name) {
        String model = Names.model(name);
        String bearer = session.bearer();
        var drift = Upstream.call("monitoring-service", () -> monitoring.drift(bearer, model));
        return Pages.drift(session.user(), DriftView.of(drift, List.of()));
    }
}
