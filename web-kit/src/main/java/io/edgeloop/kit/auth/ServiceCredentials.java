package io.edgeloop.kit.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Puts this app's own credential ({@code edgeloop.auth.token} or {@code edgeloop.auth.token-file}) on every
 * outgoing gRPC call of every {@code @GrpcClient}, so services call each other, and devices call the fleet, as
 * themselves. The token file is read again whenever it changes (a device renews its credential by rewriting it); while
 * no credential is configured or the file does not exist yet (a device before it enrolled), calls go out without one
 * and protected methods refuse them.
 */
@GlobalInterceptor
@ApplicationScoped
public class ServiceCredentials implements ClientInterceptor {
    private static final Logger LOG = Logger.getLogger(ServiceCredentials.class);

    private final Optional<String> fixed;
    private final Optional<Path> file;
    private volatile Cached cached = new Cached(null, -1, Optional.empty());

    ServiceCredentials(AuthConfig config) {
        this.fixed = config.token().map(String::strip).filter(t -> !t.isBlank());
        this.file = fixed.isPresent() ? Optional.empty() : config.tokenFile();
    }

    /** Whether a credential is available now. */
    public boolean configured() {
        return bearer().isPresent();
    }

    /** The current {@code Authorization} value, if any. */
    public Optional<String> bearer() {
        if (fixed.isPresent()) {
            return fixed.map(t -> "Bearer " + t);
        }
        return file.flatMap(this::fromFile);
    }

    private Optional<String> fromFile(Path f) {
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(f);
            size = Files.size(f);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warnf("cannot read edgeloop.auth.token-file %s: %s", f, e.getMessage());
            return cached.bearer();
        }
        Cached c = cached;
        if (modified.equals(c.modified()) && size == c.size()) {
            return c.bearer();
        }
        try {
            String t = Files.readString(f).strip();
            Optional<String> bearer = t.isBlank() ? Optional.empty() : Optional.of("Bearer " + t);
            cached = new Cached(modified, size, bearer);
            return bearer;
        } catch (IOException e) {
            LOG.warnf("cannot read edgeloop.auth.token-file %s: %s", f, e.getMessage());
            return c.bearer();
        }
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ClientCall<Q, A> call = next.newCall(method, options);
        Optional<String> bearer = bearer();
        if (bearer.isEmpty()) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<A> listener, Metadata headers) {
                if (!headers.containsKey(BearerGrpcMechanism.AUTHORIZATION)) {
                    headers.put(BearerGrpcMechanism.AUTHORIZATION, bearer.get());
                }
                super.start(listener, headers);
            }
        };
    }

    private record Cached(FileTime modified, long size, Optional<String> bearer) {}
}
