package io.edgeloop.console.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.input.InputRules;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One call to a service, with its failures turned into the console's answers: the service's 401 and 403 become the
 * console's own (the user's token is what was refused), its 404 a 404 naming the service, other 4xx a 400, and a
 * service that fails or cannot be reached a 502 problem naming the service. No exception text of a client reaches
 * the user (it can name classes and URLs).
 */
public final class Upstream {
    private Upstream() {}

    /**
     * Runs {@code call} against {@code service}.
     *
     * @throws ApiException 404, 400 or 502 as above
     * @throws UnauthorizedException when the service refused the token
     * @throws ForbiddenException when the user's role does not allow the read
     */
    public static <T> T call(String service, Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            throw translate(service, e.getResponse().getStatus(), detailOf(e));
        } catch (ProcessingException e) {
            throw unavailable(service);
        }
    }

    /** The console's answer to status {@code status} from {@code service} with the service's {@code detail}. */
    static RuntimeException translate(String service, int status, String detail) {
        if (status == 401) {
            return new UnauthorizedException();
        }
        if (status == 403) {
            return new ForbiddenException();
        }
        String shown = detail == null || detail.isBlank() || InputRules.leaks(detail)
                ? ""
                : ": " + InputRules.printable(detail, 300);
        if (status == 404) {
            return ApiException.notFound(service + " knows no such object" + shown);
        }
        if (status >= 400 && status < 500) {
            return ApiException.badRequest(service + " refused the request (" + status + ")" + shown);
        }
        return unavailable(service);
    }

    /** 502: {@code service} failed or did not answer. */
    public static ApiException unavailable(String service) {
        return new ApiException(
                502, "Bad Gateway", service + " is unavailable or failed; see the overview page", List.of());
    }

    /**
     * Runs a call whose answer the page can do without (names of features, live figures beside the main ones): empty
     * when the service refused it, knows nothing of it, failed or did not answer.
     */
    public static <T> Optional<T> optional(String service, Supplier<T> call) {
        try {
            return Optional.ofNullable(call(service, call));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A service's refusal of a change, as the service said it: its status (a 5xx or no answer is a 502 naming it),
     * title, detail and field errors, cleaned of anything that could leak internals.
     */
    public static ApiException refusal(String service, RuntimeException failure) {
        if (!(failure instanceof WebApplicationException e)) {
            return unavailable(service);
        }
        int status = e.getResponse().getStatus();
        if (status < 400 || status >= 500) {
            return unavailable(service);
        }
        JsonNode body = bodyOf(e);
        String title = clean(body == null ? null : body.path("title").asText(null));
        String detail = clean(body == null ? null : body.path("detail").asText(null));
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body != null) {
            for (JsonNode f : body.path("errors")) {
                errors.add(new Problem.FieldError(
                        clean(f.path("field").asText("")),
                        clean(f.path("message").asText(""))));
            }
        }
        return new ApiException(
                status,
                title.isEmpty() ? "Refused" : title,
                service + " refused it" + (detail.isEmpty() ? "" : ": " + detail),
                errors);
    }

    private static String clean(String text) {
        return text == null || text.isBlank() || InputRules.leaks(text) ? "" : InputRules.printable(text, 300);
    }

    private static JsonNode bodyOf(WebApplicationException e) {
        try {
            return e.getResponse().readEntity(JsonNode.class);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static String detailOf(WebApplicationException e) {
        JsonNode body = bodyOf(e);
        return body == null ? null : body.path("detail").asText(null);
    }
}
