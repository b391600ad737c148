package io.edgeloop.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.training.domain.TrainingPipeline;
import io.edgeloop.training.grpc.GrpcRetry;
import io.edgeloop.training.grpc.SnapshotNotFoundException;
import io.edgeloop.training.persistence.TrainingRun;
import io.grpc.Status;
import io.quarkus.panache.common.Sort;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Training runs: list, inspect, and start one on demand. */
@Path("/training-runs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class TrainingRunResource {
    /** Dataset names data-service accepts. */
    static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final int MAX_LIMIT = 500;

    @Inject
    TrainingPipeline pipeline;

    /** Runs, newest first; optionally of one dataset. */
    @GET
    @Transactional
    public List<TrainingRunView> list(
            @QueryParam("datasetName") String datasetName, @QueryParam("limit") String limit) {
        int n = 50;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw ApiException.invalid(
                        "invalid query parameter",
                        List.of(new Problem.FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT)));
            }
        }
        Sort sort = Sort.descending("queuedAt").and("id", Sort.Direction.Descending);
        var query = datasetName == null || datasetName.isBlank()
                ? TrainingRun.<TrainingRun>findAll(sort)
                : TrainingRun.<TrainingRun>find("datasetName", sort, datasetName);
        return query.page(0, n).list().stream().map(TrainingRunView::of).toList();
    }

    /** One run; 404 when unknown. */
    @GET
    @Path("/{id}")
    @Transactional
    public TrainingRunView get(@PathParam("id") String id) {
        TrainingRun run = TrainingRun.findById(id);
        if (run == null) {
            throw ApiException.notFound("no training run " + id);
        }
        return TrainingRunView.of(run);
    }

    /**
     * Queues a run of a snapshot: {@code {"datasetName": "...", "datasetVersion": N}} (N >= 0, 0 = latest). 202 with
     * the queued run; 422 for missing or invalid fields; 404 when data-service has no such snapshot.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ApiException.badRequest("request body required: {\"datasetName\": \"...\", \"datasetVersion\": N}");
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        JsonNode name = body.get("datasetName");
        JsonNode version = body.get("datasetVersion");
        if (name == null || name.isNull()) {
            errors.add(new Problem.FieldError("datasetName", "is required"));
        } else if (!name.isTextual() || !DATASET_NAME.matcher(name.asText()).matches()) {
            errors.add(new Problem.FieldError(
                    "datasetName", "must be 1-128 characters of [A-Za-z0-9._-], starting with a letter or digit"));
        }
        if (version == null || version.isNull()) {
            errors.add(new Problem.FieldError("datasetVersion", "is required"));
        } else if (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() < 0) {
            errors.add(new Problem.FieldError("datasetVersion", "must be an integer >= 0 (0 = latest)"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid training request", errors);
        }
        TrainingRun run;
        try {
            run = pipeline.submit(name.asText(), version.asInt());
        } catch (SnapshotNotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (RuntimeException e) {
            Status.Code code = GrpcRetry.code(e);
            if (code == Status.Code.INVALID_ARGUMENT) {
                throw ApiException.invalid(
                        "data-service rejected the snapshot reference",
                        List.of(new Problem.FieldError("datasetName", e.getMessage())));
            }
            if (code != null) {
                throw new ApiException(503, "Service Unavailable", "data-service: " + e.getMessage(), List.of());
            }
            throw e;
        }
        return Response.accepted(TrainingRunView.of(run))
                .location(URI.create("/training-runs/" + run.id))
                .build();
    }
}
