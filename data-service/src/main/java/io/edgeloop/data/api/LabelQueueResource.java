package io.edgeloop.data.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.domain.LabelQueue;
import io.edgeloop.data.persistence.SuggestionStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.kit.auth.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * REST API of active learning's labeling: the queue of unlabeled samples (captured inputs with the served model's
 * suggestion, least confident first) and bulk confirmation of suggestions, with per-sample overrides. Errors are
 * problem+json naming the field.
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class LabelQueueResource {
    @Inject
    LabelQueue queue;

    @Inject
    DataConfig config;

    @Inject
    SecurityIdentity identity;

    /**
     * A queued sample.
     *
     * @param suggestedLabel what the served model predicted (a label of the data set), null without a suggestion
     * @param confidence the probability the model gave its prediction, null without a suggestion
     * @param modelName the model whose uncertain inference captured it (null for other unlabeled samples), with its
     *     version, the device and the inference id
     * @param scoredByVersion the version whose prediction the suggestion is: {@code modelVersion}, or a newer
     *     production version of the model that re-scored it ({@code rescoredAt} then says when)
     */
    public record QueuedSample(
            String id,
            float[] features,
            String source,
            Instant ingestedAt,
            String suggestedLabel,
            Float confidence,
            String modelName,
            Integer modelVersion,
            String deviceId,
            String inferenceId,
            Instant inferredAt,
            Integer scoredByVersion,
            Instant rescoredAt) {
        static QueuedSample of(SuggestionStore.Queued q) {
            SuggestionStore.Suggestion s = q.suggestion();
            return new QueuedSample(
                    q.sample().id(),
                    q.sample().features(),
                    q.sample().source(),
                    q.sample().ingestedAt(),
                    s == null ? null : s.suggestedLabel(),
                    s == null ? null : s.confidence(),
                    s == null ? null : s.modelName(),
                    s == null ? null : s.modelVersion(),
                    s == null ? null : s.deviceId(),
                    s == null ? null : s.inferenceId(),
                    s == null ? null : s.inferredAt(),
                    s == null ? null : s.scoredByVersion(),
                    s == null ? null : s.rescoredAt());
        }
    }

    /** A page of the queue; {@code next} is the {@code after} of the next page, null on the last one. */
    public record QueuePage(List<QueuedSample> samples, String next) {}

    /**
     * {@code POST /datasets/{name}/labels/confirm} body: {@code ids} (accept each one's suggestion) or {@code
     * samples}, a list of {@code {id, label}} whose {@code label} (optional) replaces the suggestion.
     */
    public record ConfirmRequest(List<String> ids, List<ConfirmItem> samples) {}

    /** One entry of {@link ConfirmRequest#samples()}; {@code label} null accepts the suggestion. */
    public record ConfirmItem(String id, String label) {}

    /**
     * Outcome of a confirmation.
     *
     * @param accepted samples labelled with their suggestion
     * @param overridden samples labelled with the label given
     * @param alreadyLabelled ids of samples that had a label already (left as they are)
     */
    public record ConfirmResponse(int accepted, int overridden, List<String> alreadyLabelled) {}

    /**
     * The labeling queue: live unlabeled samples, those with a suggestion least confident first, then the others by
     * id; {@code limit} (default {@code curation.default-page-size}, at most {@code curation.max-page-size}), {@code
     * after} (the previous page's {@code next}). 422 naming {@code limit} / {@code after}, 404 unknown data set.
     */
    @GET
    @Path("/{name}/queue")
    public QueuePage queue(
            @PathParam("name") String name, @QueryParam("limit") Integer limit, @QueryParam("after") String after) {
        int max = config.curation().maxPageSize();
        int size = limit == null ? Math.min(config.curation().defaultPageSize(), max) : limit;
        if (size < 1 || size > max) {
            throw invalid("limit", "must be 1 to " + max + ", got " + size);
        }
        if (after != null && (after.isBlank() || after.length() > 64)) {
            throw invalid("after", "must be a sample id (the previous page's next)");
        }
        LabelQueue.Page page = queue.page(name, after, size);
        return new QueuePage(page.samples().stream().map(QueuedSample::of).toList(), page.next());
    }

    /**
     * Confirms labels in bulk, all or none: {@code {"ids":[...]}} accepts each sample's suggested label, {@code
     * {"samples":[{"id","label"}]}} gives a label instead where one is given. 200 {@code {accepted, overridden,
     * alreadyLabelled}}; 422 listing every bad entry ({@code ids[2]} unknown / duplicate / without a suggestion,
     * {@code samples[0].label} unknown), 413 more than {@code curation.max-bulk-size}, 404 unknown data set.
     */
    @POST
    @Path("/{name}/labels/confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DATA)
    public ConfirmResponse confirm(@PathParam("name") String name, ConfirmRequest body) {
        LabelQueue.Confirmed done = queue.confirm(name, confirmations(body), Caller.subject(identity));
        return new ConfirmResponse(done.accepted(), done.overridden(), done.alreadyLabelled());
    }

    /** The request's confirmations in either form; 400/422 naming the field when it is neither. */
    private static List<LabelQueue.Confirmation> confirmations(ConfirmRequest body) {
        if (body == null) {
            throw ApiException.badRequest("request body required: {\"ids\":[...]} or {\"samples\":[...]}");
        }
        boolean byIds = body.ids() != null;
        if (byIds == (body.samples() != null)) {
            throw invalid(
                    byIds ? "samples" : "ids",
                    "expected {\"ids\":[...]} or {\"samples\":[{\"id\",\"label\"}]}, not both or neither");
        }
        List<LabelQueue.Confirmation> out = new ArrayList<>();
        if (byIds) {
            for (int i = 0; i < body.ids().size(); i++) {
                String at = "ids[" + i + "]";
                out.add(new LabelQueue.Confirmation(body.ids().get(i), at, null, at));
            }
            return out;
        }
        for (int i = 0; i < body.samples().size(); i++) {
            ConfirmItem item = body.samples().get(i);
            String at = "samples[" + i + "]";
            out.add(new LabelQueue.Confirmation(
                    item == null ? null : item.id(), at + ".id", item == null ? null : item.label(), at + ".label"));
        }
        return out;
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.invalid("invalid request", List.of(new FieldError(field, message)));
    }
}
