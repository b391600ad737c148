package io.edgeloop.console.clients;

import io.edgeloop.console.clients.TrainingViews.Epoch;
import io.edgeloop.console.clients.TrainingViews.Run;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestStreamElementType;

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

    /** The run's learning curve: every epoch of its current attempt, in order; 404 when the run is unknown. */
    @GET
    @Path("{id}/epochs")
    List<Epoch> epochs(@HeaderParam("Authorization") String bearer, @PathParam("id") String id);

    /**
     * The run's learning curve as server-sent events: the epochs so far, then each one as it is stored; completes
     * when the run ends.
     */
    @GET
    @Path("{id}/epochs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    Multi<Epoch> epochStream(@HeaderParam("Authorization") String bearer, @PathParam("id") String id);
}
