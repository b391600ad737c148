package io.edgeloop.registry.api;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.registry.domain.ModelDetail;
import io.edgeloop.registry.domain.ModelRegistry;
import io.edgeloop.registry.domain.ModelSummary;
import io.edgeloop.registry.domain.VersionView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Read-only REST view of the registry: {@code GET /models}, {@code /models/{name}}, {@code /models/{name}/versions}
 * and {@code /models/{name}/versions/{version|latest}}.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
    @Inject
    ModelRegistry registry;

    /** Every model with its latest version number, by name. */
    @GET
    public List<ModelSummary> list() {
        return registry.models();
    }

    /** One model with its latest version in full; 404 when unknown. */
    @GET
    @Path("{name}")
    public ModelDetail get(@PathParam("name") String name) {
        return registry.model(checkName(name));
    }

    /** All versions of a model, oldest first; 404 when the model is unknown. */
    @GET
    @Path("{name}/versions")
    public List<VersionView> versions(@PathParam("name") String name) {
        return registry.versions(checkName(name));
    }

    /** One version ({@code latest} or a positive number); 400 for anything else, 404 when missing. */
    @GET
    @Path("{name}/versions/{version}")
    public VersionView version(@PathParam("name") String name, @PathParam("version") String version) {
        return registry.version(checkName(name), parseVersion(version));
    }

    private static String checkName(String name) {
        if (!ModelRegistry.MODEL_NAME.matcher(name).matches()) {
            throw ApiException.badRequest("model name must be 1-128 of [A-Za-z0-9._-] starting with a letter or"
                    + " digit, got '" + name + "'");
        }
        return name;
    }

    private static int parseVersion(String version) {
        if ("latest".equals(version)) {
            return 0;
        }
        try {
            int v = Integer.parseInt(version);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("version must be 'latest' or a positive number, got '" + version + "'");
    }
}
