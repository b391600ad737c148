package io.edgeloop.registry.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.api.ProblemMappers;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * MLflow's error body on every path under {@code /api/2.0/mlflow/}, including those no resource serves (404
 * ENDPOINT_NOT_FOUND), a wrong method (405 ENDPOINT_NOT_FOUND), no or a bad token (401 UNAUTHENTICATED, with {@code
 * WWW-Authenticate: Bearer}), a role that does not allow the call (403 PERMISSION_DENIED), unreadable JSON and JSON
 * values web-kit's strict JSON refuses (a NUL or control character, a string too long, a wrong type: 400
 * INVALID_PARAMETER_VALUE naming the field), an illegal argument (400) and {@link MlflowException}s. Every other path keeps web-kit's problem+json
 * ({@link ProblemMappers}). Runs before web-kit's mappers (higher priority).
 */
public class MlflowErrorMapper {
    /** Path prefix of the MLflow-compatible API. */
    public static final String PREFIX = "/api/2.0/mlflow/";

    private static final int PRIORITY = Priorities.USER - 1000;
    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper(priority = PRIORITY)
    public Response mlflow(MlflowException e) {
        return MlflowException.response(e.status(), e.errorCode(), e.getMessage());
    }

    @ServerExceptionMapper(priority = PRIORITY)
    public Response web(WebApplicationException e, HttpServerRequest request) {
        if (!isMlflow(request)) {
            return problems.web(e, request);
        }
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException j) {
            return MlflowException.response(400, MlflowException.INVALID_PARAMETER_VALUE, jsonMessage(j));
        }
        if (status == 404 || status == 405) {
            return MlflowException.response(
                    status,
                    MlflowException.ENDPOINT_NOT_FOUND,
                    "no MLflow endpoint " + request.method() + " " + request.path() + " on this server");
        }
        if (status >= 500) {
            problems.web(e, request); // logs it under an error id
            return MlflowException.response(status, MlflowException.INTERNAL_ERROR, "internal error");
        }
        return MlflowException.response(
                status, MlflowException.INVALID_PARAMETER_VALUE, "request refused (HTTP " + status + ")");
    }

    @ServerExceptionMapper(priority = PRIORITY)
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        if (!isMlflow(request)) {
            return problems.json(e, request);
        }
        return MlflowException.response(400, MlflowException.INVALID_PARAMETER_VALUE, jsonMessage(e));
    }

    /** Also the strict-JSON refusals ({@code StrictJson.RejectedJsonException}), which web-kit maps by this type. */
    @ServerExceptionMapper(priority = PRIORITY)
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        Response problem = problems.mismatched(e, request);
        return isMlflow(request) ? fromProblem(problem) : problem;
    }

    @ServerExceptionMapper(priority = PRIORITY)
    public Response illegalArgument(IllegalArgumentException e, HttpServerRequest request) {
        Response problem = problems.illegalArgument(e, request);
        return isMlflow(request) ? fromProblem(problem) : problem;
    }

    @ServerExceptionMapper(priority = PRIORITY)
    public Response unauthenticated(UnauthorizedException e, HttpServerRequest request) {
        if (!isMlflow(request)) {
            return problems.unauthenticated(e);
        }
        return unauthorized("this endpoint needs a bearer token (Authorization: Bearer <token>)");
    }

    @ServerExceptionMapper(priority = PRIORITY)
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        if (!isMlflow(request)) {
            return problems.authenticationFailed(e);
        }
        return unauthorized("the bearer token is invalid, expired or revoked");
    }

    @ServerExceptionMapper(priority = PRIORITY)
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        if (!isMlflow(request)) {
            return problems.forbidden(e);
        }
        return MlflowException.response(
                403, MlflowException.PERMISSION_DENIED, "the caller's roles do not allow this operation");
    }

    /** web-kit's problem (already logged where it is a server fault) in MLflow's shape. */
    private static Response fromProblem(Response problem) {
        Problem p = (Problem) problem.getEntity();
        if (p.status() >= 500) {
            return MlflowException.response(p.status(), MlflowException.INTERNAL_ERROR, p.detail());
        }
        return MlflowException.response(p.status(), MlflowException.INVALID_PARAMETER_VALUE, p.detail());
    }

    private static Response unauthorized(String message) {
        Response r = MlflowException.response(401, MlflowException.UNAUTHENTICATED, message);
        return Response.fromResponse(r).header("WWW-Authenticate", "Bearer").build();
    }

    private static boolean isMlflow(HttpServerRequest request) {
        return request != null && request.path() != null && request.path().startsWith(PREFIX);
    }

    private static String jsonMessage(JsonProcessingException e) {
        return "the request body is not valid JSON (line "
                + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")";
    }
}
