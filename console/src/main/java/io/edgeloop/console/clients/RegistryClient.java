package io.edgeloop.console.clients;

import io.edgeloop.console.clients.CardViews.Card;
import io.edgeloop.console.clients.RegistryViews.Alias;
import io.edgeloop.console.clients.RegistryViews.Model;
import io.edgeloop.console.clients.RegistryViews.ModelRow;
import io.edgeloop.console.clients.RegistryViews.Version;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** registry-service's model API ({@code registry.api.ModelResource}), read with the caller's bearer token. */
@RegisterRestClient(configKey = "registry-service")
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public interface RegistryClient {
    /** Every model with its latest version number. */
    @GET
    List<ModelRow> models(@HeaderParam("Authorization") String bearer);

    /** One model with its aliases. */
    @GET
    @Path("{name}")
    Model model(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /** Every version of a model, oldest first. */
    @GET
    @Path("{name}/versions")
    List<Version> versions(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /** The aliases of a model. */
    @GET
    @Path("{name}/aliases")
    List<Alias> aliases(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /** The model card of a version (JSON); 404 when the model or version is unknown. */
    @GET
    @Path("{name}/versions/{version}/card")
    Card card(
            @HeaderParam("Authorization") String bearer,
            @PathParam("name") String name,
            @PathParam("version") int version);

    /** The model card of a version as Markdown. */
    @GET
    @Path("{name}/versions/{version}/card")
    @Produces("text/markdown")
    String cardMarkdown(
            @HeaderParam("Authorization") String bearer,
            @PathParam("name") String name,
            @PathParam("version") int version);
}
