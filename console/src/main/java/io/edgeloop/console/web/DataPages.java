package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.DataClient;
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
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@code /datasets}: data-service's data sets, and one data set's samples per class and split and feature histograms
 * (data-service's SQL aggregates, {@code GET /datasets/{name}/stats}), snapshots and its ingest log with accepted and
 * rejected rows and the reasons (role viewer).
 */
@Path("/datasets")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class DataPages {
    static final String DATA = "data-service";

    /** Logged ingests the page shows, newest first. */
    static final int INGESTS = 20;

    @Inject
    ConsoleSession session;

    @Inject
    @RestClient
    DataClient data;

    /** Every data set, by name. */
    @GET
    public TemplateInstance datasets() {
        String bearer = session.bearer();
        var all = Upstream.call(DATA, () -> data.datasets(bearer)).stream()
                .sorted(Comparator.comparing(d -> d.name()))
                .toList();
        return Pages.datasets(session.viewer(), all);
    }

    /** One data set; 400 for a bad name, 404 when unknown. */
    @GET
    @Path("{name}")
    public TemplateInstance dataset(@PathParam("name") String name) {
        String ds = Names.model(name);
        String bearer = session.bearer();
        var d = Upstream.call(DATA, () -> data.dataset(bearer, ds));
        var snapshots = Upstream.call(DATA, () -> data.snapshots(bearer, ds));
        var stats = Upstream.call(DATA, () -> data.stats(bearer, ds));
        var ingests = Upstream.call(DATA, () -> data.ingests(bearer, ds, INGESTS));
        return Pages.dataset(session.viewer(), DatasetView.of(d, snapshots, stats, ingests, pendingDrift(bearer, ds)));
    }

    /** The drift verdict waiting on the data set; null when none, or when data-service does not say (optional). */
    private io.edgeloop.console.clients.DataViews.PendingDrift pendingDrift(String bearer, String ds) {
        try {
            return data.drift(bearer, ds).pending();
        } catch (RuntimeException e) {
            return null; // an older data-service without the endpoint: the page shows the rest
        }
    }
}
