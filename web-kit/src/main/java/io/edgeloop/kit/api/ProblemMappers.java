package io.edgeloop.kit.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.edgeloop.kit.input.InputRules;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every REST failure into a problem+json response, the one error policy of every app.
 *
 * <ul>
 *   <li>{@link ApiException}: its status and message (deliberate, user-facing).
 *   <li>JSON that cannot be read (malformed, duplicate keys, wrong types, fractional numbers for integers, strings
 *       with control characters): 400 naming the JSON path of the field, never a Java type or class name.
 *   <li>No or a bad bearer token: 401 with {@code WWW-Authenticate: Bearer}; a role that does not allow the call: 403.
 *   <li>{@link IllegalArgumentException}: 400 with its message when the message is safe to show, otherwise a generic
 *       one (the message is logged under an error id).
 *   <li>Anything else: 500 with an {@code errorId} (also in {@code instance}, {@code urn:edgeloop:error:<id>}) and
 *       no internals: no SQL, class names, exception messages or stack traces; the full detail is logged under that
 *       id.
 * </ul>
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.toProblem());
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return respond(jsonProblem(e, request));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return respond(jsonProblem(e, request));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof ApiException api) {
            return api(api);
        }
        if (cause instanceof JsonProcessingException j) {
            return respond(jsonProblem(j, request));
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return respond(internal(e, request));
        }
        String title = title(status);
        String message = e.getMessage();
        if (message == null || InputRules.leaks(message)) {
            message = title;
        }
        return respond(new Problem("about:blank", title, status, message, List.of()));
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized("this endpoint needs a bearer token (Authorization: Bearer <token>)");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized("the bearer token is invalid, expired or revoked");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(new Problem(
                "about:blank", "Forbidden", 403, "the caller's roles do not allow this operation", List.of()));
    }

    private static Response unauthorized(String detail) {
        return Response.status(401)
                .type(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", "Bearer")
                .entity(new Problem("about:blank", "Unauthorized", 401, detail, List.of()))
                .build();
    }

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e, HttpServerRequest request) {
        String message = e.getMessage();
        if (message == null || message.isBlank() || InputRules.leaks(message)) {
            String id = InputRules.newErrorId();
            LOG.warnf(e, "error %s: invalid argument in %s", id, where(request));
            return respond(new Problem(
                    "about:blank",
                    "Bad Request",
                    400,
                    "invalid request (error id " + id + ")",
                    InputRules.errorUrn(id),
                    id,
                    List.of()));
        }
        return respond(new Problem("about:blank", "Bad Request", 400, message, List.of()));
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, HttpServerRequest request) {
        return respond(internal(e, request));
    }

    /**
     * The 500 problem for an unexpected failure: logs {@code e} in full under a new error id and returns a problem
     * that carries only that id.
     */
    public static Problem internal(Throwable e, HttpServerRequest request) {
        String id = InputRules.newErrorId();
        LOG.errorf(e, "error %s: unhandled failure in %s", id, where(request));
        return new Problem(
                "about:blank",
                "Internal Server Error",
                500,
                "internal error; it is logged under error id " + id,
                InputRules.errorUrn(id),
                id,
                List.of());
    }

    /** A 400 problem for JSON that cannot be read, naming the field; 500 for a server-side mapping error. */
    static Problem jsonProblem(JsonProcessingException e, HttpServerRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api.toProblem();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (e instanceof InvalidDefinitionException) {
            return internal(e, request);
        }
        if (e instanceof StrictJson.RejectedJsonException r) {
            return fieldProblem(r.field(), r.reason());
        }
        if (e instanceof DatabindException d && d instanceof JsonMappingException m) {
            String field = path(m);
            if (field.isEmpty() && m.getProcessor() instanceof JsonParser p) {
                field = StrictJson.pathOf(p);
            }
            String reason = "invalid value";
            if (m instanceof MismatchedInputException mi && mi.getTargetType() != null) {
                reason = "expected " + describe(mi.getTargetType());
                if (mi instanceof InvalidFormatException f) {
                    reason += ", got " + describeValue(f.getValue());
                }
            }
            LOG.debugf("unreadable JSON in %s: %s", where(request), e.getMessage());
            return fieldProblem(field, reason);
        }
        String field = e.getProcessor() instanceof JsonParser p ? StrictJson.pathOf(p.getParsingContext()) : "";
        String original = InputRules.printable(e.getOriginalMessage(), 200);
        String detail = InputRules.leaks(original) ? "malformed JSON" : "malformed JSON: " + original;
        LOG.debugf("malformed JSON in %s: %s", where(request), e.getMessage());
        return new Problem(
                "about:blank",
                "Bad Request",
                400,
                field.isEmpty() ? detail : detail + " (at " + field + ")",
                field.isEmpty() ? List.of() : List.of(new Problem.FieldError(field, detail)));
    }

    private static Problem fieldProblem(String field, String reason) {
        String where = field.isEmpty() ? "the body" : field;
        return new Problem(
                "about:blank",
                "Bad Request",
                400,
                "invalid JSON value at " + where + ": " + reason,
                List.of(new Problem.FieldError(where, reason)));
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(InputRules.printable(r.getFieldName(), 100));
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** How a JSON value of Java type {@code t} is described to a caller, without naming the type. */
    static String describe(Class<?> t) {
        if (t == int.class
                || t == Integer.class
                || t == long.class
                || t == Long.class
                || t == short.class
                || t == Short.class
                || t == byte.class
                || t == Byte.class
                || t == BigInteger.class) {
            return "an integer";
        }
        if (t == double.class
                || t == Double.class
                || t == float.class
                || t == Float.class
                || t == BigDecimal.class
                || Number.class.isAssignableFrom(t)) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(t) || t == char.class || t == Character.class) {
            return "a string";
        }
        if (t.isEnum()) {
            return "one of " + Arrays.toString(t.getEnumConstants());
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "an array";
        }
        return "an object";
    }

    private static String describeValue(Object v) {
        if (v instanceof Number n) {
            return InputRules.printable(n.toString(), 40);
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        if (v instanceof String) {
            return "a string";
        }
        return "a value of another kind";
    }

    private static String title(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return s != null ? s.getReasonPhrase() : "Error";
    }

    private static String where(HttpServerRequest request) {
        return request == null ? "a request" : request.method() + " " + InputRules.printable(request.path(), 300);
    }

    static Response respond(Problem p) {
        Response.ResponseBuilder r =
                Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p);
        if (p.status() == 413) {
            r.header("Connection", "close"); // the rest of the refused body is never read
        }
        return r.build();
    }
}
