package io.edgeloop.data.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.domain.Curation;
import io.edgeloop.data.domain.DatasetCatalog;
import io.edgeloop.data.domain.DatasetExport;
import io.edgeloop.data.domain.SnapshotExport;
import io.edgeloop.data.domain.Split;
import io.edgeloop.data.persistence.LabelStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * REST API over a data set's samples: paged listing (labelled / unlabeled), export of the whole data set (streamed
 * CSV or NDJSON) and soft deletion of samples and of the data set (its snapshots stay readable).
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class SampleResource {
    @Inject
    Curation curation;

    @Inject
    DatasetCatalog catalog;

    @Inject
    DatasetExport exporter;

    @Inject
    DataConfig config;

    /** A listed sample; {@code label} and {@code split} null when unlabeled. */
    public record SampleView(
            String id, float[] features, String label, String split, String source, Instant ingestedAt) {
        static SampleView of(LabelStore.SampleRow r) {
            return new SampleView(
                    r.id(),
                    r.features(),
                    r.label(),
                    r.split() == 0 ? null : Split.ofCode(r.split()).label(),
                    r.source(),
                    r.ingestedAt());
        }
    }

    /** A page of samples; {@code next} is the {@code after} of the next page, null on the last one. */
    public record SamplePage(List<SampleView> samples, String next) {}

    /** {@code POST /datasets/{name}/samples/delete} body. */
    public record DeleteRequest(List<String> ids) {}

    /** How many samples a delete request deleted. */
    public record DeleteResponse(int deleted) {}

    /**
     * Live samples of a data set, ordered by id, a page at a time: {@code labeled=true|false} (absent: all), {@code
     * limit} (default {@code curation.default-page-size}, at most {@code curation.max-page-size}), {@code after} (the
     * previous page's {@code next}). 422 naming a bad query parameter, 404 unknown data set.
     */
    @GET
    @Path("/{name}/samples")
    public SamplePage list(
            @PathParam("name") String name,
            @QueryParam("labeled") String labeled,
            @QueryParam("limit") Integer limit,
            @QueryParam("after") String after) {
        int max = config.curation().maxPageSize();
        int size = limit == null ? Math.min(config.curation().defaultPageSize(), max) : limit;
        if (size < 1 || size > max) {
            throw invalidQuery("limit", "must be 1 to " + max + ", got " + size);
        }
        Boolean which = null;
        if (labeled != null) {
            String l = labeled.trim().toLowerCase(Locale.ROOT);
            if (!l.equals("true") && !l.equals("false")) {
                throw invalidQuery("labeled", "must be true or false");
            }
            which = l.equals("true");
        }
        if (after != null && (after.isBlank() || after.length() > 64)) {
            throw invalidQuery("after", "must be a sample id (the previous page's next)");
        }
        Curation.Page page = curation.page(name, which, after, size);
        return new SamplePage(page.samples().stream().map(SampleView::of).toList(), page.next());
    }

    /**
     * Every live sample of the data set, labelled or not, streamed from a cursor ordered by id: {@code format=csv}
     * (default; {@code <features...>,label,split}, empty label and split when unlabeled, importable again) or {@code
     * ndjson}. 422 {@code format}, 404 unknown data set.
     */
    @GET
    @Path("/{name}/export")
    @Produces({"text/csv", "application/x-ndjson"})
    public Response export(@PathParam("name") String name, @QueryParam("format") @DefaultValue("csv") String format) {
        SnapshotExport.Format f;
        try {
            f = SnapshotExport.Format.parse(format);
        } catch (IllegalArgumentException e) {
            throw invalidQuery("format", e.getMessage());
        }
        List<String> features = catalog.get(name).featureNames(); // 404 before streaming
        StreamingOutput body = out -> exporter.write(name, features, f, out);
        return Response.ok(body, f == SnapshotExport.Format.CSV ? "text/csv; charset=UTF-8" : "application/x-ndjson")
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"" + name + "." + f.name().toLowerCase(Locale.ROOT) + "\"")
                .build();
    }

    /**
     * Deletes samples by id, all or none: 200 {@code {"deleted":n}}; 422 listing every missing, duplicate or unknown
     * id ({@code ids[i]}), 413 too many, 404 unknown data set. Snapshots that hold them keep serving them.
     */
    @POST
    @Path("/{name}/samples/delete")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DATA)
    public DeleteResponse delete(@PathParam("name") String name, DeleteRequest body) {
        if (body == null || body.ids() == null) {
            throw ApiException.invalid("no ids", List.of(new FieldError("ids", "required: {\"ids\":[...]}")));
        }
        return new DeleteResponse(curation.deleteSamples(name, body.ids()));
    }

    /**
     * Deletes a data set: 204; hidden from listings, ingests and labels 404, its name stays taken (409), its
     * snapshots stay readable over REST and gRPC. 404 unknown or already deleted.
     */
    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.ADMIN)
    public Response deleteDataset(@PathParam("name") String name) {
        curation.deleteDataset(name);
        return Response.noContent().build();
    }

    private static ApiException invalidQuery(String param, String message) {
        return ApiException.invalid("invalid query", List.of(new FieldError(param, message)));
    }
}
