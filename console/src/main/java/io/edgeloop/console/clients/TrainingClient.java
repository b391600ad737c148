package io.edgeloop.console.clients;

import io.edgeloop.console.clients.TrainingViews.Run;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** training-service's run API ({@code training.api.TrainingRunResource}). */
@RegisterRestClient(configKey = "training-service")
@Path("/training-runs")
@Produces(MediaType.APPLICATION_JSON)
public interface TrainingClient {
    /** Runs, newest first. */
    @GET
    List<Run> runs(@HeaderParam("Authorization") String bearer, @QueryParam("limit") int limit);

    /** One run; 404 when unknown. */
    @GET
    @Path("{id}")
    Run run(@HeaderParam("Authorization") String bearer, @PathParam("id") String id);
}
