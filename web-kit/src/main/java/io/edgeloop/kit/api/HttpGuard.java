package io.edgeloop.kit.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.kit.input.InputRules;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * HTTP checks ahead of every route, answered with problem+json:
 *
 * <ul>
 *   <li>413 for a declared body ({@code Content-Length}) over {@code quarkus.http.limits.max-body-size}, before any
 *       of it is read (Quarkus' own check answers with an empty body). A chunked body is cut off by Quarkus when it
 *       passes the limit while streaming in (413, still with an empty body).
 *   <li>403 for a state-changing request (anything but GET, HEAD, OPTIONS) that a browser sent from another origin:
 *       an {@code Origin} header that is neither this server's own nor in {@code quarkus.http.cors.origins} (read
 *       only with {@code quarkus.http.cors.enabled=true}). CORS itself stays off unless configured, and clients that
 *       are not browsers send no {@code Origin}.
 * </ul>
 */
@ApplicationScoped
public class HttpGuard {
    /** Runs before Quarkus' body-size check (order -2). */
    static final int ORDER = -3;

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    Optional<MemorySize> maxBodySize;

    @ConfigProperty(name = "quarkus.http.cors.enabled", defaultValue = "false")
    boolean corsEnabled;

    @ConfigProperty(name = "quarkus.http.cors.origins")
    Optional<List<String>> corsOrigins;

    void install(@Observes Router router, ObjectMapper json) {
        long limit = maxBodySize.map(MemorySize::asLongValue).orElse(-1L);
        Set<String> allowed = corsEnabled
                ? corsOrigins.orElse(List.of()).stream().map(String::strip).collect(Collectors.toSet())
                : Set.of();
        router.route().order(ORDER).handler(ctx -> guard(ctx, limit, allowed, json));
    }

    private static void guard(RoutingContext ctx, long limit, Set<String> allowed, ObjectMapper json) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (limit > 0 && length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > limit) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                ctx.response().endHandler(v -> ctx.request().connection().close());
                answer(
                        ctx,
                        json,
                        413,
                        "Content Too Large",
                        "request body of " + declared + " bytes is larger than the limit of " + limit + " bytes");
                return;
            }
        }
        String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
        if (origin != null
                && !SAFE.contains(ctx.request().method())
                && !sameOrigin(ctx, origin)
                && !allowed.contains(origin)
                && !allowed.contains("*")) {
            answer(
                    ctx,
                    json,
                    403,
                    "Forbidden",
                    "cross-origin request from '" + InputRules.printable(origin, 200)
                            + "' refused: the origin is not allowed (quarkus.http.cors.origins)");
            return;
        }
        ctx.next();
    }

    private static boolean sameOrigin(RoutingContext ctx, String origin) {
        String host = ctx.request().getHeader(HttpHeaders.HOST);
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin.strip());
            if (uri.getHost() == null) {
                return false;
            }
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return authority.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void answer(RoutingContext ctx, ObjectMapper json, int status, String title, String detail) {
        String body;
        try {
            body = json.writeValueAsString(new Problem("about:blank", title, status, detail, List.of()));
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"" + title + "\",\"status\":" + status + "}";
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }
}
