package io.edgeloop.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.edgeloop.agent.domain.InferenceFailedException;
import io.edgeloop.agent.domain.InvalidInputException;
import io.edgeloop.agent.domain.NoModelException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every REST failure into a problem+json response. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.toProblem());
    }

    @ServerExceptionMapper
    public Response noModel(NoModelException e) {
        return respond(new Problem("about:blank", "Service Unavailable", 503, e.getMessage(), List.of()));
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

    @ServerExceptionMapper
    public Response inferenceFailed(InferenceFailedException e) {
        LOG.warn("inference failed", e);
        return respond(new Problem("about:blank", "Internal Server Error", 500, e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(
                new Problem("about:blank", "Bad Request", 400, "malformed JSON: " + e.getOriginalMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        return respond(new Problem("about:blank", title, status, e.getMessage(), List.of()));
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(RuntimeException e) {
        LOG.error("unhandled error", e);
        return respond(new Problem("about:blank", "Internal Server Error", 500, e.toString(), List.of()));
    }

    private static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
