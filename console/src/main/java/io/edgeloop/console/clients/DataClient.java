package io.edgeloop.console.clients;

import io.edgeloop.console.clients.DataViews.Dataset;
import io.edgeloop.console.clients.DataViews.DriftState;
import io.edgeloop.console.clients.DataViews.Ingest;
import io.edgeloop.console.clients.DataViews.Snapshot;
import io.edgeloop.console.clients.DataViews.Stats;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** data-service's data set API ({@code data.api.DatasetResource}, {@code InsightResource}). */
@RegisterRestClient(configKey = "data-service")
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public interface DataClient {
    /** Every data set, by name. */
    @GET
    List<Dataset> datasets(@HeaderParam("Authorization") String bearer);

    /** One data set; 404 when unknown. */
    @GET
    @Path("{name}")
    Dataset dataset(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /** Its snapshots, oldest first. */
    @GET
    @Path("{name}/snapshots")
    List<Snapshot> snapshots(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /** Counts per class and split and per-feature histograms over all its live samples. */
    @GET
    @Path("{name}/stats")
    Stats stats(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /** Whether a drift verdict waits on it for new labelled data. */
    @GET
    @Path("{name}/drift")
    DriftState drift(@HeaderParam("Authorization") String bearer, @PathParam("name") String name);

    /** Its newest logged ingest requests, newest first. */
    @GET
    @Path("{name}/ingests")
    List<Ingest> ingests(
            @HeaderParam("Authorization") String bearer,
            @PathParam("name") String name,
            @QueryParam("limit") int limit);
}
