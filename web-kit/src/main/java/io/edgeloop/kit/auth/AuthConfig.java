package io.edgeloop.kit.auth;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** {@code edgeloop.auth.*}: this app's own credential and the revocation list it honours. */
@ConfigMapping(prefix = "edgeloop.auth")
public interface AuthConfig {
    /**
     * The stack's token verification keys: a JWK set ({@code verify-keys.jwks}, the stack's key and the device
     * issuer's) or one PEM public key; SmallRye JWT reads it through {@code mp.jwt.verify.publickey.location}. An app
     * without a readable key does not start.
     */
    Optional<String> publicKey();

    /** Bearer token this app presents on its outgoing gRPC calls (its service or device identity). */
    Optional<String> token();

    /** File holding that token (read when {@link #token()} is not set); keeps the token out of the environment. */
    Optional<Path> tokenFile();

    /**
     * The device issuer's private key ({@code device-issuer.key}, PEM): only the deployment service has it, to sign
     * device credentials and download grants; every service trusts its public key through the JWK set.
     */
    Optional<Path> deviceIssuerKey();

    /**
     * The download-grant key ({@code grant.key}, see {@link io.edgeloop.common.auth.GrantKey}): the deployment service
     * signs download grants with it and the registries verify them. Without it, grants are signed with the device
     * issuer key (RS256), which registries verify through the JWK set.
     */
    Optional<Path> grantKey();

    /** File of revoked token ids, one per line (see {@link io.edgeloop.common.auth.RevocationList}). */
    Optional<Path> revocationFile();
}
