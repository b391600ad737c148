package io.edgeloop.data.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.kit.api.LimitedInputStream;
import io.edgeloop.kit.api.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The request body limit of the data service ({@code edgeloop.data.max-body-size}, 32 MB), for every request except
 * the streamed imports ({@code POST /datasets/{name}/samples/csv} and {@code POST /datasets/{name}/recordings}), which
 * take bodies of any size: they are read a chunk at a time, so memory does not grow with the file. The HTTP layer's
 * own limit ({@code quarkus.http.limits.max-body-size}) is therefore set far above any file; this class puts the cap
 * back on the other routes, answered with a problem+json 413 like every other error: a declared length over the limit
 * before any of the body is read (and before authentication, so nobody can make the service read it), a chunked body
 * at the first byte over the limit (the connection is then closed).
 */
@ApplicationScoped
public class BodyLimits {
    /** Before web-kit's guard (order -3) and Quarkus' own size check (-2). */
    static final int ORDER = -4;

    private static final Pattern STREAMED_IMPORT = Pattern.compile("^/datasets/[^/]+/(samples/csv|recordings)/?$");

    private final long limit;

    BodyLimits(DataConfig config) {
        this.limit = config.maxBodySize().asLongValue();
    }

    /** Whether {@code method path} is a streamed import (no body limit). */
    static boolean streamedImport(HttpMethod method, String path) {
        return HttpMethod.POST.equals(method)
                && path != null
                && STREAMED_IMPORT.matcher(path).matches();
    }

    void install(@Observes Router router, ObjectMapper json) {
        router.route().order(ORDER).handler(ctx -> guard(ctx, json));
    }

    private void guard(RoutingContext ctx, ObjectMapper json) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || streamedImport(ctx.request().method(), ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared <= limit) {
            ctx.next();
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(
                    new Problem("about:blank", "Content Too Large", 413, tooLarge(declared), List.of()));
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"Content Too Large\",\"status\":413}";
        }
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        ctx.response().endHandler(v -> ctx.request().connection().close());
        ctx.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }

    private String tooLarge(long declared) {
        return "request body of " + declared + " bytes is larger than the limit of " + limit
                + " bytes (edgeloop.data.max-body-size; CSV and recording imports have none)";
    }

    /** Counts the bytes of a chunked body (no declared length) of every route but the imports as they are read. */
    @ServerRequestFilter
    public void limitChunkedBodies(ContainerRequestContext request, RoutingContext ctx) {
        if (request.getHeaderString(HttpHeaders.CONTENT_LENGTH.toString()) == null
                && request.getHeaderString(HttpHeaders.TRANSFER_ENCODING.toString()) != null
                && !streamedImport(ctx.request().method(), ctx.normalizedPath())) {
            request.setEntityStream(new LimitedInputStream(
                    request.getEntityStream(),
                    limit,
                    "edgeloop.data.max-body-size; CSV and recording imports have none"));
        }
    }
}
