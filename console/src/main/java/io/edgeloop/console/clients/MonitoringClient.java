package io.edgeloop.console.clients;

import io.edgeloop.console.clients.MonitoringViews.Drift;
import io.edgeloop.console.clients.MonitoringViews.DriftHistory;
import io.edgeloop.console.clients.MonitoringViews.Performance;
import io.edgeloop.console.clients.MonitoringViews.Segment;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * monitoring-service's drift, drift history and performance API ({@code monitoring.api.DriftResource}, {@code
 * PerformanceResource}).
 */
@RegisterRestClient(configKey = "monitoring-service")
@Produces(MediaType.APPLICATION_JSON)
public interface MonitoringClient {
    /** Drift of the model's deployed version per feature; 404 when no deployment of it was seen. */
    @GET
    @Path("/models/{name}/drift")
    Drift drift(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /**
     * The model's recorded drift evaluations, newest first, at most {@code limit} (1 to 1000); 404 when no deployment
     * of it was seen.
     */
    @GET
    @Path("/models/{name}/drift/history")
    DriftHistory driftHistory(
            @HeaderParam("Authorization") String bearer,
            @PathParam("name") String name,
            @QueryParam("limit") int limit);

    /**
     * Live performance of a version on its fed-back labels ({@code version} null: the deployed one, 404 when none was
     * seen).
     */
    @GET
    @Path("/models/{name}/performance")
    Performance performance(
            @HeaderParam("Authorization") String bearer,
            @PathParam("name") String name,
            @QueryParam("version") Integer version);

    /** Live performance of a version per value of the devices' label {@code label}, worst accuracy first. */
    @GET
    @Path("/models/{name}/performance/segments")
    List<Segment> segments(
            @HeaderParam("Authorization") String bearer,
            @PathParam("name") String name,
            @QueryParam("label") String label,
            @QueryParam("version") Integer version);
}
