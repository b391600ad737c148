package io.edgeloop.kit.auth;

import io.grpc.Metadata;
import io.quarkus.grpc.auth.GrpcSecurityMechanism;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import jakarta.inject.Singleton;

/**
 * Reads {@code authorization: Bearer <jwt>} from gRPC metadata and hands the token to SmallRye JWT, the same
 * verification as on REST. A call without it stays anonymous, so {@code @RolesAllowed} methods answer
 * {@code UNAUTHENTICATED}.
 */
@Singleton
public class BearerGrpcMechanism implements GrpcSecurityMechanism {
    /** The metadata key of the credential. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static final String PREFIX = "Bearer ";

    @Override
    public boolean handles(Metadata metadata) {
        String value = metadata.get(AUTHORIZATION);
        return value != null && value.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    @Override
    public AuthenticationRequest createAuthenticationRequest(Metadata metadata) {
        String token = metadata.get(AUTHORIZATION).substring(PREFIX.length()).strip();
        return new TokenAuthenticationRequest(new JsonWebTokenCredential(token));
    }
}
