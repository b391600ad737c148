package io.edgeloop.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.EpochHistory;
import io.edgeloop.training.domain.EpochStats;
import io.edgeloop.training.domain.InvalidSpecException;
import io.edgeloop.training.domain.ProgressHub;
import io.edgeloop.training.domain.TrainingPipeline;
import io.edgeloop.training.persistence.TrainingRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Training runs: list, inspect and follow ({@code viewer}), and start one on demand ({@code ml}). */
@Path("/training-runs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@RolesAllowed(Roles.VIEWER)
public class TrainingRunResource {
    private static final int MAX_LIMIT = 500;

    @Inject
    TrainingPipeline pipeline;

    @Inject
    ProgressHub hub;

    @Inject
    EpochHistory history;

    @Inject
    SecurityIdentity identity;

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
     * The run's learning curve: every epoch of its current attempt (or of {@code attempt}, from 1: a retried run
     * trains again from the start and its attempts' epochs are kept apart), in the order trained. 404 when the run is
     * unknown, 422 for a bad {@code attempt}.
     */
    @GET
    @Path("/{id}/epochs")
    @Transactional
    public List<EpochHistory.RecordedEpoch> epochs(@PathParam("id") String id, @QueryParam("attempt") String attempt) {
        Integer which = null;
        if (attempt != null) {
            try {
                which = Integer.parseInt(attempt.trim());
            } catch (NumberFormatException e) {
                which = 0;
            }
            if (which < 1) {
                throw ApiException.invalid(
                        "invalid query parameter",
                        List.of(new Problem.FieldError("attempt", "must be an integer of at least 1")));
            }
        }
        TrainingRun run = TrainingRun.findById(id);
        if (run == null) {
            throw ApiException.notFound("no training run " + id);
        }
        return EpochHistory.epochs(run, which);
    }

    /**
     * The run's learning curve as server-sent events, one JSON epoch each: the current attempt's epochs so far, then
     * every epoch as it is stored (one of a later attempt has a higher {@code attempt}: the curve starts over); the
     * stream completes when the run ends (at once for a finished run). 404 when the run is unknown.
     */
    @GET
    @Path("/{id}/epochs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<EpochHistory.RecordedEpoch> epochStream(@PathParam("id") String id) {
        boolean known = QuarkusTransaction.requiringNew().call(() -> TrainingRun.findById(id) != null);
        if (!known) {
            throw ApiException.notFound("no training run " + id);
        }
        return history.follow(id);
    }

    /**
     * Server-sent events of a run: its current state first, then {@code epoch} events (epoch, losses, validation
     * accuracy, learning rate) and a final {@code succeeded} or {@code failed} event, after which the stream ends.
     * 404 when the run is unknown.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ProgressHub.ProgressEvent> events(@PathParam("id") String id) {
        ProgressHub.ProgressEvent current = QuarkusTransaction.requiringNew().call(() -> {
            TrainingRun run = TrainingRun.findById(id);
            if (run == null) {
                return null;
            }
            EpochStats last = run.progressEpoch == null
                    ? null
                    : new EpochStats(
                            run.progressEpoch,
                            run.maxEpochs,
                            run.progressTrainLoss,
                            run.progressValidationLoss,
                            run.progressValidationAccuracy,
                            Double.NaN);
            String phase = run.progressPhase;
            return switch (run.status) {
                case SUCCEEDED ->
                    new ProgressHub.ProgressEvent(
                            "succeeded", id, run.status.name(), last, phase, null, run.testAccuracy, run.modelVersion);
                case FAILED ->
                    new ProgressHub.ProgressEvent(
                            "failed", id, run.status.name(), last, phase, run.failureReason, null, null);
                default ->
                    new ProgressHub.ProgressEvent("status", id, run.status.name(), last, phase, null, null, null);
            };
        });
        if (current == null) {
            throw ApiException.notFound("no training run " + id);
        }
        return hub.stream(id, current);
    }

    /**
     * Queues a run of a snapshot: {@code {"datasetName": "...", "datasetVersion": N, "spec": {...}, "dataKind":
     * "timeseries", "sampleShape": [3, 128]}} (N >= 0, 0 = latest; spec, dataKind and sampleShape optional). 202
     * with the queued run, recorded as requested by the caller; 422 for missing or invalid fields; 404 when
     * data-service has no such snapshot.
     */
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(
                                            name = "latest-snapshot",
                                            summary = "An MLP on the latest snapshot of vibration",
                                            value =
                                                    "{\"datasetName\":\"vibration\",\"datasetVersion\":0,\"spec\":{\"architecture\":\"mlp\",\"hiddenUnits\":[32,16],\"maxEpochs\":30,\"normalization\":\"standard\"}}")))
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Response create(JsonNode body) {
        RequestFields.object(body, "{\"datasetName\": \"...\", \"datasetVersion\": N}");
        List<Problem.FieldError> errors = new ArrayList<>();
        RequestFields.onlyKnownFields(
                body, java.util.Set.of("datasetName", "datasetVersion", "spec", "dataKind", "sampleShape"), errors);
        String name = RequestFields.datasetName(body, errors);
        int version = RequestFields.datasetVersion(body, errors);
        TrainingSpec spec = RequestFields.spec(body, "spec", errors);
        String dataKind = RequestFields.dataKind(body, errors);
        List<Integer> sampleShape = RequestFields.sampleShape(body, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid training request", errors);
        }
        String requestedBy = Caller.subject(identity);
        TrainingRun run;
        try {
            run = DataServiceCalls.call(() -> pipeline.submit(name, version, spec, dataKind, sampleShape, requestedBy));
        } catch (InvalidSpecException e) {
            throw ApiException.invalid(
                    "the spec does not fit the data set",
                    e.problems().stream()
                            .map(p -> new Problem.FieldError(p.field(), p.message()))
                            .toList());
        }
        return Response.accepted(TrainingRunView.of(run))
                .location(URI.create("/training-runs/" + run.id))
                .build();
    }
}
