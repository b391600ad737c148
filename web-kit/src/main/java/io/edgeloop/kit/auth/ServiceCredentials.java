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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Puts this app's own credential ({@code edgeloop.auth.token} or {@code edgeloop.auth.token-file}) on every
 * outgoing gRPC call of every {@code @GrpcClient}, so services call each other, and devices call the fleet, as
 * themselves. With no credential configured, calls go out without one (and protected methods refuse them).
 */
@GlobalInterceptor
@ApplicationScoped
public class ServiceCredentials implements ClientInterceptor {
    private final Optional<String> bearer;

    ServiceCredentials(AuthConfig config) {
        this.bearer = config.token()
                .or(() -> config.tokenFile().map(f -> {
                    try {
                        return Files.readString(f).strip();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read edgeloop.auth.token-file " + f, e);
                    }
                }))
                .filter(t -> !t.isBlank())
                .map(t -> "Bearer " + t);
    }

    /** Whether a credential is configured. */
    public boolean configured() {
        return bearer.isPresent();
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ClientCall<Q, A> call = next.newCall(method, options);
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
}
