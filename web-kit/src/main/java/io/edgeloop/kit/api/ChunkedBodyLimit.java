package io.edgeloop.kit.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
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
            request.setEntityStream(new Limited(request.getEntityStream(), limit));
        }
    }

    /** An entity stream that fails with 413 once more than {@code limit} bytes were read. */
    static final class Limited extends FilterInputStream {
        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new ApiException(
                        413,
                        "Content Too Large",
                        "request body is larger than the limit of " + limit + " bytes",
                        List.of());
            }
        }
    }
}
