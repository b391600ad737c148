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
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@code /models}: the registry's models, one model's versions, lineage, variants and aliases, and each version's
 * model card (role viewer).
 */
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

    @Inject
    LiveFigures live;

    /** Every registered model, by name. */
    @GET
    public TemplateInstance models() {
        String bearer = session.bearer();
        var models = Upstream.call(REGISTRY, () -> registry.models(bearer)).stream()
                .sorted(Comparator.comparing(m -> m.name()))
                .toList();
        return Pages.models(session.viewer(), models);
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
        return Pages.model(session.viewer(), ModelView.of(detail, versions, aliases, v));
    }

    /**
     * The model card of a version, with its live figures per segment from monitoring. 400 for a bad name or version,
     * 404 when either is unknown.
     */
    @GET
    @Path("{name}/versions/{version}/card")
    public TemplateInstance card(@PathParam("name") String name, @PathParam("version") String version) {
        String model = Names.model(name);
        int v = Names.version(version);
        String bearer = session.bearer();
        var card = Upstream.call(REGISTRY, () -> registry.card(bearer, model, v));
        return Pages.card(session.viewer(), CardView.of(card, live.of(bearer, model, List.of(v), v)));
    }

    /** The model card of a version as the registry writes it in Markdown (a download). */
    @GET
    @Path("{name}/versions/{version}/card.md")
    @Produces("text/markdown")
    public Response cardMarkdown(@PathParam("name") String name, @PathParam("version") String version) {
        String model = Names.model(name);
        int v = Names.version(version);
        String bearer = session.bearer();
        String md = Upstream.call(REGISTRY, () -> registry.cardMarkdown(bearer, model, v));
        return Response.ok(md, "text/markdown; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + model + "-v" + v + "-card.md\"")
                .build();
    }
}
