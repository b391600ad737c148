package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.DataClient;
import io.edgeloop.console.clients.DataViews.Sample;
import io.edgeloop.console.clients.Upstream;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@code /datasets}: data-service's data sets, and one data set's samples per class and split, snapshots and recent
 * ingests (role viewer). Counts per class and split are not in data-service's API: the page pages through the sample
 * listing (without using the features) up to {@link #MAX_SAMPLES} samples and says when it stopped short.
 */
@Path("/datasets")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class DataPages {
    static final String DATA = "data-service";

    /** The most samples a page counts. */
    static final int MAX_SAMPLES = 10_000;

    /** Feature values one page of samples may carry (the listing includes them), which sizes the page. */
    static final int VALUES_PER_PAGE = 100_000;

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
        int limit = Math.max(10, Math.min(1000, VALUES_PER_PAGE / d.valuesPerSample()));
        List<Sample> samples = new ArrayList<>();
        String after = null;
        do {
            String from = after;
            var page = Upstream.call(DATA, () -> data.samples(bearer, ds, limit, from));
            samples.addAll(page.samples() == null ? List.of() : page.samples());
            after = page.next();
        } while (after != null && samples.size() < MAX_SAMPLES);
        return Pages.dataset(session.viewer(), DatasetView.of(d, snapshots, samples, after == null));
    }
}
