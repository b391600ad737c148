package io.edgeloop.kit.auth;

import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.RevocationList;
import io.edgeloop.common.auth.Roles;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Completes every authenticated identity: refuses a token whose id is on the revocation list, and a device credential
 * (a token whose only role is {@code device}) of a revoked device (the request is then unauthenticated), a download grant presented as a bearer token, and a token signed by the device issuer's key that
 * claims any role but {@code device} (that key is trusted for device credentials only); and adds the roles its roles imply ({@link Roles#expand}), so an {@code admin} passes every
 * {@code @RolesAllowed("release")} and a {@code release} user every {@code @RolesAllowed("viewer")}.
 */
@ApplicationScoped
public class RoleAugmentor implements SecurityIdentityAugmentor {
    private final RevocationList revoked;

    RoleAugmentor(AuthConfig config) {
        this.revoked = config.revocationFile().map(RevocationList::new).orElse(null);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            if (revoked != null && revoked.isRevoked(jwt.getTokenID())) {
                return Uni.createFrom().failure(new AuthenticationFailedException("the token has been revoked"));
            }
            if (revoked != null
                    && identity.getRoles().equals(Set.of(Roles.DEVICE))
                    && revoked.isDeviceRevoked(jwt.getName())) {
                return Uni.createFrom().failure(new AuthenticationFailedException("the device has been revoked"));
            }
            if (jwt.containsClaim(DeviceTokens.GRANT)) {
                return Uni.createFrom().failure(new AuthenticationFailedException("a grant is not a bearer token"));
            }
            if (DeviceTokens.isDeviceIssued(jwt.getRawToken())
                    && !Set.of(Roles.DEVICE).containsAll(identity.getRoles())) {
                return Uni.createFrom()
                        .failure(new AuthenticationFailedException(
                                "the device issuer's key signs device credentials only"));
            }
        }
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder(identity)
                        .addRoles(Roles.expand(identity.getRoles()))
                        .build());
    }
}
