package io.edgeloop.data.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.domain.Labeling;
import io.edgeloop.data.persistence.LabelStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.kit.auth.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * REST API: labeling samples (one, or many in one all-or-nothing request) and reading a sample's label history.
 * Every change is recorded with the caller's principal name and the time. Errors are problem+json naming the field;
 * unknown sample ids are a 422 listing each one (a 404 for the single-sample path).
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class LabelingResource {
    @Inject
    Labeling labeling;

    @Inject
    SecurityIdentity identity;

    /** {@code PUT /datasets/{name}/samples/{id}/label} body. */
    public record LabelRequest(String label) {}

    /**
     * {@code POST /datasets/{name}/labels} body: either {@code ids} with one {@code label} for all, or {@code labels},
     * a list of {@code {id, label}}.
     */
    public record BulkLabelRequest(List<String> ids, String label, List<LabelItem> labels) {}

    /** One entry of {@link BulkLabelRequest#labels()}. */
    public record LabelItem(String id, String label) {}

    /** Outcome of a bulk label request: samples whose label changed, and those that had it already. */
    public record BulkLabelResponse(int changed, int unchanged) {}

    /** A sample's label history, oldest change first. */
    public record LabelHistory(String sampleId, List<LabelStore.LabelChange> changes) {}

    /**
     * Labels or relabels one sample: 200 {@code {id, previousLabel, label, split, changed}}; 404 unknown data set or
     * sample, 422 missing or unknown label.
     */
    @PUT
    @Path("/{name}/samples/{id}/label")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DATA)
    public Labeling.Labeled label(@PathParam("name") String name, @PathParam("id") String id, LabelRequest body) {
        if (body == null) {
            throw ApiException.badRequest("request body required: {\"label\":\"...\"}");
        }
        if (!labeling.isLiveSample(name, id)) {
            throw ApiException.notFound("no sample '" + id + "' in dataset '" + name + "'");
        }
        return labeling.label(name, List.of(new Labeling.Assignment(id, "id", body.label(), "label")), who())
                .get(0);
    }

    /**
     * Labels many samples, all or none: {@code {"ids":[...],"label":"x"}} or {@code {"labels":[{"id","label"}]}}.
     * 200 {@code {changed, unchanged}}; 422 listing every bad entry ({@code ids[2]}, {@code labels[0].label}, ...),
     * 413 more than {@code curation.max-bulk-size}, 404 unknown data set.
     */
    @POST
    @Path("/{name}/labels")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DATA)
    public BulkLabelResponse labelAll(@PathParam("name") String name, BulkLabelRequest body) {
        List<Labeling.Assignment> assignments = assignments(body);
        List<Labeling.Labeled> done = labeling.label(name, assignments, who());
        int changed = (int) done.stream().filter(Labeling.Labeled::changed).count();
        return new BulkLabelResponse(changed, done.size() - changed);
    }

    /** Every label change of a sample, oldest first; 404 unknown data set or sample. */
    @GET
    @Path("/{name}/samples/{id}/labels")
    public LabelHistory history(@PathParam("name") String name, @PathParam("id") String id) {
        return new LabelHistory(id, labeling.history(name, id));
    }

    private String who() {
        return Caller.subject(identity);
    }

    /** The request's assignments in either form; 400/422 naming the field when it is neither. */
    private static List<Labeling.Assignment> assignments(BulkLabelRequest body) {
        if (body == null) {
            throw ApiException.badRequest(
                    "request body required: {\"ids\":[...],\"label\":\"...\"} or {\"labels\":[...]}");
        }
        boolean byIds = body.ids() != null;
        boolean byList = body.labels() != null;
        if (byIds == byList || byList && body.label() != null) {
            throw ApiException.invalid(
                    "give either ids with one label, or labels",
                    List.of(new FieldError(
                            byIds ? "labels" : "ids",
                            "expected {\"ids\":[...],\"label\":\"...\"} or {\"labels\":[{\"id\",\"label\"}]}")));
        }
        List<Labeling.Assignment> out = new ArrayList<>();
        if (byIds) {
            for (int i = 0; i < body.ids().size(); i++) {
                out.add(new Labeling.Assignment(body.ids().get(i), "ids[" + i + "]", body.label(), "label"));
            }
            return out;
        }
        for (int i = 0; i < body.labels().size(); i++) {
            LabelItem item = body.labels().get(i);
            String at = "labels[" + i + "]";
            out.add(new Labeling.Assignment(
                    item == null ? null : item.id(), at + ".id", item == null ? null : item.label(), at + ".label"));
        }
        return out;
    }
}
