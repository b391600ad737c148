package io.edgeloop.monitoring.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.monitoring.domain.Feedback;
import io.edgeloop.monitoring.domain.PerformanceMonitor;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /models/{name}/feedback}: the true labels of reported inferences, joined by inference id. For devices
 * ({@code device}: only their own inferences) and operators ({@code release}); idempotent (the same label twice counts
 * once). Bad input is a 422 naming each field; each item gets its outcome.
 */
@Path("/models/{name}/feedback")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.DEVICE, Roles.RELEASE})
public class FeedbackResource {
    @Inject
    PerformanceMonitor performance;

    @Inject
    SecurityIdentity identity;

    /** The request: items of {@code {"inferenceId", "label"}}, the label a class name (string) or index (integer). */
    public record FeedbackRequest(List<FeedbackItem> items) {}

    /** One item; {@code label} is a class label or a class index. */
    public record FeedbackItem(String inferenceId, JsonNode label) {}

    /**
     * The response.
     *
     * @param accepted items accepted (duplicates included)
     */
    public record FeedbackResponse(String modelName, long accepted, List<ItemResult> results) {}

    /**
     * One item's outcome: {@code accepted}, {@code unknown-inference}, {@code invalid-label} or {@code forbidden};
     * {@code duplicate}: the same label had been stored before.
     */
    public record ItemResult(String inferenceId, String outcome, String reason, boolean duplicate) {}

    @POST
    public FeedbackResponse submit(@PathParam("name") String name, FeedbackRequest request) {
        List<Feedback.Item> items = items(request);
        List<String[]> problems = Feedback.problems(name, items, "inferenceId", "label", "label");
        if (!problems.isEmpty()) {
            throw ApiException.invalid(
                    "invalid feedback",
                    problems.stream()
                            .map(p -> new Problem.FieldError(p[0].equals("model_name") ? "name" : p[0], p[1]))
                            .toList());
        }
        String deviceOnly = Caller.isDevice(identity) ? Caller.subject(identity) : null;
        Feedback.Submission done;
        try {
            done = performance.submit(name, items, deviceOnly);
        } catch (PerformanceMonitor.FactsUnavailableException e) {
            throw new ApiException(503, "Service Unavailable", e.getMessage(), List.of());
        }
        return new FeedbackResponse(
                name,
                done.accepted(),
                done.results().stream()
                        .map(r -> new ItemResult(
                                r.inferenceId(),
                                r.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                                r.reason(),
                                r.duplicate()))
                        .toList());
    }

    /** The items of the body; a label that is neither a string nor an integer is a 422 naming it. */
    private static List<Feedback.Item> items(FeedbackRequest request) {
        if (request == null || request.items() == null) {
            throw ApiException.invalid("invalid feedback", List.of(new Problem.FieldError("items", "is required")));
        }
        List<Feedback.Item> items = new ArrayList<>(request.items().size());
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < request.items().size(); i++) {
            FeedbackItem it = request.items().get(i);
            String field = "items[" + i + "]";
            if (it == null) {
                errors.add(new Problem.FieldError(field, "must be an object"));
                continue;
            }
            JsonNode label = it.label();
            if (label == null || label.isNull()) {
                errors.add(new Problem.FieldError(field + ".label", "is required"));
            } else if (label.isTextual()) {
                items.add(new Feedback.Item(it.inferenceId(), label.asText(), -1, field));
            } else if (label.isIntegralNumber() && label.canConvertToInt()) {
                items.add(new Feedback.Item(it.inferenceId(), null, label.asInt(), field));
            } else {
                errors.add(
                        new Problem.FieldError(field + ".label", "must be a class label (string) or index (integer)"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid feedback", errors);
        }
        return items;
    }
}
