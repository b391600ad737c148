package io.edgeloop.console.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.input.InputRules;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
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

    private static String detailOf(WebApplicationException e) {
        try {
            JsonNode body = e.getResponse().readEntity(JsonNode.class);
            return body == null ? null : body.path("detail").asText(null);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
