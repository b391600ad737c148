package io.edgeloop.kit.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code quarkus.http.limits.max-body-size} for bodies without a {@code Content-Length} (chunked), answered with a
 * problem+json 413 like every other error: the entity stream counts what the endpoint reads and fails with an {@link
 * ApiException} at the first byte over the limit (the connection is then closed). Quarkus' own check, which answers
 * such bodies with an empty 413, is moved {@value #SLACK} bytes further so that this one always comes first; bodies
 * with a declared length are refused before they are read ({@link HttpGuard}).
 */
@ApplicationScoped
public class ChunkedBodyLimit {
    /** How far past the limit Quarkus' own cut-off is moved (more than the network reads ahead of the endpoint). */
    static final long SLACK = 1 << 20;

    /** The routing-context key Quarkus reads its limit for chunked bodies from. */
    private static final String QUARKUS_LIMIT_KEY = "io.quarkus.max-request-size";

    private final long limit;

    ChunkedBodyLimit(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                    Optional<MemorySize> maxBodySize) {
        this.limit = maxBodySize.map(MemorySize::asLongValue).orElse(-1L);
    }

    void install(@Observes Router router) {
        if (limit <= 0) {
            return;
        }
        // after Quarkus' upload-limit route (order -2), before every application route
        router.route().order(-1).handler(ctx -> {
            if (ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null && ctx.get(QUARKUS_LIMIT_KEY) != null) {
                ctx.put(QUARKUS_LIMIT_KEY, limit + SLACK);
            }
            ctx.next();
        });
    }

    /** Counts the bytes of a chunked body as the endpoint reads them. */
    @ServerRequestFilter
    public void limitChunkedBodies(ContainerRequestContext request) {
        if (limit > 0
                && request.getHeaderString(HttpHeaders.CONTENT_LENGTH.toString()) == null
                && request.getHeaderString(HttpHeaders.TRANSFER_ENCODING.toString()) != null) {
            request.setEntityStream(
                    new LimitedInputStream(request.getEntityStream(), limit, "quarkus.http.limits.max-body-size"));
        }
    }
}
