package io.edgeloop.agent.api;

import io.edgeloop.agent.domain.InferenceFailedException;
import io.edgeloop.agent.domain.InvalidInputException;
import io.edgeloop.agent.domain.ModelNotServedException;
import io.edgeloop.agent.domain.NoModelException;
import io.edgeloop.kit.api.Problem;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * problem+json for the agent's own failures (no model loaded, a model not served, input that does not fit the model, a failed inference);
 * every other error is mapped by {@link io.edgeloop.kit.api.ProblemMappers}.
 */
public class InferenceProblemMappers {
    @ServerExceptionMapper
    public Response noModel(NoModelException e) {
        return respond(new Problem("about:blank", "Service Unavailable", 503, e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response notServed(ModelNotServedException e) {
        return respond(new Problem("about:blank", "Not Found", 404, e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response invalidInput(InvalidInputException e) {
        return respond(new Problem(
                "about:blank",
                "Unprocessable Content",
                422,
                "input does not fit model " + e.model().modelName() + " v"
                        + e.model().modelVersion(),
                e.problems().stream()
                        .map(p -> new Problem.FieldError(p.field(), p.message()))
                        .toList()));
    }

    /** ONNX Runtime failed: a 500 naming the model, with the details only in the log under an error id. */
    @ServerExceptionMapper
    public Response inferenceFailed(InferenceFailedException e, io.vertx.core.http.HttpServerRequest request) {
        Problem internal = io.edgeloop.kit.api.ProblemMappers.internal(e, request);
        return respond(new Problem(
                internal.type(),
                internal.title(),
                500,
                "inference failed on model " + e.model().modelName() + " v"
                        + e.model().modelVersion() + "; " + internal.detail(),
                internal.instance(),
                internal.errorId(),
                List.of()));
    }

    private static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
