package io.edgeloop.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.DeviceProfile;
import io.edgeloop.training.domain.Distiller;
import io.edgeloop.training.domain.ExperimentService;
import io.edgeloop.training.domain.InvalidSpecException;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.persistence.Experiment;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Knowledge distillation ({@code /distillations}) and architecture search under device constraints ({@code
 * /searches}): both queue an experiment (202, {@code ml}) and are read back by id ({@code viewer}).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@RolesAllowed(Roles.VIEWER)
public class ExperimentResource {
    @Inject
    ExperimentService experiments;

    @Inject
    SecurityIdentity identity;

    /**
     * Queues a distillation: {@code {"datasetName", "datasetVersion", "teacher": spec, "student": spec,
     * "temperature": 4, "alpha": 0.7, "dataKind", "sampleShape"}} (all but the dataset optional).
     */
    @POST
    @Path("distillations")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Response distill(JsonNode body) {
        RequestFields.object(body, "{\"datasetName\": \"...\", \"datasetVersion\": N, \"teacher\": {...}, ...}");
        List<Problem.FieldError> errors = new ArrayList<>();
        RequestFields.onlyKnownFields(
                body,
                java.util.Set.of(
                        "datasetName",
                        "datasetVersion",
                        "teacher",
                        "student",
                        "temperature",
                        "alpha",
                        "dataKind",
                        "sampleShape"),
                errors);
        String name = RequestFields.datasetName(body, errors);
        int version = RequestFields.datasetVersion(body, errors);
        TrainingSpec teacher = RequestFields.spec(body, "teacher", errors);
        TrainingSpec student = RequestFields.spec(body, "student", errors);
        if (teacher != null && body.hasNonNull("student") == (student != null)) {
            // a student without an impulse takes the teacher's: its architecture must be able to follow the block
            student = RequestFields.checked(
                    ExperimentService.studentOf(teacher, student == null ? TrainingSpec.getDefaultInstance() : student),
                    "student",
                    errors);
        }
        double temperature = number(body, "temperature", 4, errors);
        double alpha = number(body, "alpha", Distiller.DEFAULT_ALPHA, errors);
        if (!(temperature > 0) || temperature > ModelSpec.MAX_TEMPERATURE) {
            errors.add(new Problem.FieldError("temperature", "must be in (0, 100]"));
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            errors.add(new Problem.FieldError("alpha", "must be in [0, 1]"));
        }
        String dataKind = RequestFields.dataKind(body, errors);
        List<Integer> shape = RequestFields.sampleShape(body, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid distillation request", errors);
        }
        ExperimentService.DistillationRequest r = new ExperimentService.DistillationRequest(
                teacher == null ? TrainingSpec.getDefaultInstance() : teacher,
                student == null ? TrainingSpec.getDefaultInstance() : student,
                temperature,
                alpha,
                dataKind,
                shape);
        String by = Caller.subject(identity);
        return queued("distillations", () -> experiments.submitDistillation(name, version, r, body.toString(), by));
    }

    /** A distillation; 404 when unknown. */
    @GET
    @Path("distillations/{id}")
    @Transactional
    public ExperimentView distillation(@PathParam("id") String id) {
        return find(id, Experiment.Kind.DISTILLATION);
    }

    /**
     * Queues an architecture search: {@code {"datasetName", "datasetVersion", "targetProfile": "mcu", "spec": base
     * spec, "dataKind", "sampleShape"}} (targetProfile required: mcu, edge-arm64 or cpu, optionally -int8/-fp32).
     */
    @POST
    @Path("searches")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Response search(JsonNode body) {
        RequestFields.object(body, "{\"datasetName\": \"...\", \"datasetVersion\": N, \"targetProfile\": \"mcu\"}");
        List<Problem.FieldError> errors = new ArrayList<>();
        RequestFields.onlyKnownFields(
                body,
                java.util.Set.of("datasetName", "datasetVersion", "spec", "targetProfile", "dataKind", "sampleShape"),
                errors);
        String name = RequestFields.datasetName(body, errors);
        int version = RequestFields.datasetVersion(body, errors);
        TrainingSpec base = RequestFields.spec(body, "spec", errors);
        JsonNode profileName = body.get("targetProfile");
        DeviceProfile profile = null;
        if (profileName == null || profileName.isNull()) {
            errors.add(new Problem.FieldError("targetProfile", "is required"));
        } else {
            try {
                if (!profileName.isTextual()) {
                    throw new IllegalArgumentException("must be a string");
                }
                profile = DeviceProfile.parse(profileName.asText());
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("targetProfile", e.getMessage()));
            }
        }
        String dataKind = RequestFields.dataKind(body, errors);
        List<Integer> shape = RequestFields.sampleShape(body, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid search request", errors);
        }
        ExperimentService.SearchRequest r = new ExperimentService.SearchRequest(
                profile, base == null ? TrainingSpec.getDefaultInstance() : base, dataKind, shape);
        String by = Caller.subject(identity);
        return queued("searches", () -> experiments.submitSearch(name, version, r, body.toString(), by));
    }

    /** A search; 404 when unknown. */
    @GET
    @Path("searches/{id}")
    @Transactional
    public ExperimentView searchResult(@PathParam("id") String id) {
        return find(id, Experiment.Kind.SEARCH);
    }

    private static ExperimentView find(String id, Experiment.Kind kind) {
        Experiment e = Experiment.findById(id);
        if (e == null || e.kind != kind) {
            throw ApiException.notFound("no " + kind.name().toLowerCase() + " " + id);
        }
        return ExperimentView.of(e);
    }

    private static double number(JsonNode body, String field, double fallback, List<Problem.FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            errors.add(new Problem.FieldError(field, "must be a number"));
            return fallback;
        }
        return v.asDouble();
    }

    /**
     * 202 with the experiment {@code submit} queued, located under {@code /collection}; 422 naming every field of a
     * spec that cannot fit the data set.
     */
    private static Response queued(String collection, Supplier<Experiment> submit) {
        Experiment e;
        try {
            e = DataServiceCalls.call(submit);
        } catch (InvalidSpecException x) {
            throw ApiException.invalid(
                    "the spec does not fit the data set",
                    x.problems().stream()
                            .map(p -> new Problem.FieldError(p.field(), p.message()))
                            .toList());
        }
        return Response.accepted(ExperimentView.of(e))
                .location(URI.create("/" + collection + "/" + e.id))
                .build();
    }
}
