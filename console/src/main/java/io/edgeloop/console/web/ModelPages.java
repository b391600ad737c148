package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.RegistryClient;
import io.edgeloop.console.clients.Upstream;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** {@code /models}: the registry's models and one model's versions, lineage, variants and aliases (role viewer). */
@Path("/models")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class ModelPages {
    static final String REGISTRY = "registry-service";

    @Inject
    ConsoleSession session;

    @Inject
    @RestClient
    RegistryClient registry;

    /** Every registered model, by name. */
    @GET
    public TemplateInstance models() {
        String bearer = session.bearer();
        var models = Upstream.call(REGISTRY, () -> registry.models(bearer)).stream()
                .sorted(Comparator.comparing(m -> m.name()))
                .toList();
        return Pages.models(session.user(), models);
    }

    /**
     * One model; {@code ?version=N} shows that version's variants instead of the newest's. 400 for a bad name or
     * version, 404 when either is unknown.
     */
    @GET
    @Path("{name}")
    public TemplateInstance model(@PathParam("name") String name, @QueryParam("version") String version) {
        String model = Names.model(name);
        Integer v = Names.version(version);
        String bearer = session.bearer();
        var detail = Upstream.call(REGISTRY, () -> registry.model(bearer, model));
        var versions = Upstream.call(REGISTRY, () -> registry.versions(bearer, model));
        var aliases = Upstream.call(REGISTRY, () -> registry.aliases(bearer, model));
        return Pages.model(session.user(), ModelView.of(detail, versions, aliases, v));
    }
}
