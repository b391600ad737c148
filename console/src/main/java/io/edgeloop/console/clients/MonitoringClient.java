package io.edgeloop.console.clients;

import io.edgeloop.console.clients.MonitoringViews.Drift;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** monitoring-service's drift API ({@code monitoring.api.DriftResource}). */
@RegisterRestClient(configKey = "monitoring-service")
@Produces(MediaType.APPLICATION_JSON)
public interface MonitoringClient {
    /** Drift of the model's deployed version per feature; 404 when no deployment of it was seen. */
    @GET
    @Path("/models/{name}/drift")
    Drift drift(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);
}
