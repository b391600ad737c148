package io.edgeloop.compiler.api;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.compiler.domain.CompilationFailure;
import io.edgeloop.compiler.domain.CompilationService;
import io.edgeloop.compiler.domain.CompileJob;
import io.edgeloop.compiler.domain.PeerUnavailableException;
import io.edgeloop.compiler.grpc.RegistryGateway;
import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
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

/** Compilations: list and read ({@code viewer}), and (re)compile a registered model version on demand ({@code ml}). */
@Path("/compilations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class CompilationResource {
    private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    @Inject
    CompilationService compilations;

    @Inject
    RegistryGateway registry;

    /** Compilations, newest first; optionally of one model. */
    @GET
    @Transactional
    public List<CompilationView> list(@QueryParam("model") String model, @QueryParam("limit") Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > 500) {
            throw ApiException.invalid(
                    "invalid query", List.of(new Problem.FieldError("limit", "must be between 1 and 500")));
        }
        Sort sort = Sort.descending("startedAt");
        var query = model == null || model.isBlank()
                ? Compilation.<Compilation>findAll(sort)
                : Compilation.<Compilation>find("modelName", sort, model);
        return query.page(Page.ofSize(size)).list().stream()
                .map(CompilationView::of)
                .toList();
    }

    @GET
    @Path("/{id}")
    @Transactional
    public CompilationView get(@PathParam("id") String id) {
        Compilation c = Compilation.findById(id);
        if (c == null) {
            throw ApiException.notFound("no compilation " + id);
        }
        return CompilationView.of(c);
    }

    /**
     * Compiles a registered version now (again), synchronously: 201 with the recorded compilation, whatever its
     * status. 422 for invalid input, 404 when the registry has no such version, 503 when a peer is unavailable.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Response compile(CompileRequest request) {
        validate(request);
        CompileJob job;
        try {
            job = CompileJob.fromVersion(registry.getVersion(request.modelName(), request.modelVersion()));
        } catch (CompilationFailure e) {
            throw fromRegistry(e, request);
        } catch (PeerUnavailableException e) {
            throw unavailable(e);
        }
        if (job.datasetName().isBlank() || job.datasetVersion() < 1 || !Hashing.isSha256Hex(job.sourceSha256())) {
            throw ApiException.conflict("version " + request.modelVersion() + " of model " + request.modelName()
                    + " has no artifact or no snapshot lineage to validate against");
        }
        String id;
        try {
            id = compilations.compile(job).orElseThrow();
        } catch (PeerUnavailableException e) {
            throw unavailable(e);
        }
        return Response.created(URI.create("/compilations/" + id))
                .entity(QuarkusTransaction.requiringNew().call(() -> get(id)))
                .build();
    }

    private static void validate(CompileRequest r) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (r == null) {
            throw ApiException.invalid(
                    "a body with modelName and modelVersion is required",
                    List.of(
                            new Problem.FieldError("modelName", "is required"),
                            new Problem.FieldError("modelVersion", "is required")));
        }
        if (r.modelName() == null || r.modelName().isBlank()) {
            errors.add(new Problem.FieldError("modelName", "is required"));
        } else if (!r.modelName().matches(NAME_PATTERN)) {
            errors.add(new Problem.FieldError("modelName", "must match " + NAME_PATTERN));
        }
        if (r.modelVersion() == null) {
            errors.add(new Problem.FieldError("modelVersion", "is required"));
        } else if (r.modelVersion() < 1) {
            errors.add(new Problem.FieldError("modelVersion", "must be >= 1"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid compilation request", errors);
        }
    }

    private static ApiException fromRegistry(CompilationFailure e, CompileRequest r) {
        if (e.getCause() instanceof StatusRuntimeException sre) {
            Status.Code code = sre.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND) {
                return ApiException.notFound(
                        "the registry has no version " + r.modelVersion() + " of model " + r.modelName());
            }
            if (code == Status.Code.INVALID_ARGUMENT) {
                return ApiException.invalid(e.getMessage(), List.of());
            }
        }
        return new ApiException(502, "Bad Gateway", e.getMessage(), List.of());
    }

    private static ApiException unavailable(PeerUnavailableException e) {
        return new ApiException(503, "Service Unavailable", e.getMessage(), List.of());
    }
}
