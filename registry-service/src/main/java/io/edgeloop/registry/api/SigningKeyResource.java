package io.edgeloop.registry.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.registry.signing.ArtifactSigner;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Base64;
import java.util.List;

/**
 * {@code GET /signing-keys}: the public keys that verify artifact signatures, the current one first:
 * {@code [{"keyId","algorithm":"Ed25519","publicKey":<base64 X.509 DER>,"current"}]}. Viewers and devices may read
 * them.
 */
@Path("/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.DEVICE})
public class SigningKeyResource {
    /**
     * One public key.
     *
     * @param keyId the id signatures name
     * @param algorithm {@code Ed25519}
     * @param publicKey base64 of the X.509 SubjectPublicKeyInfo DER
     * @param current whether new signatures use it
     */
    public record KeyView(String keyId, String algorithm, String publicKey, boolean current) {}

    @Inject
    ArtifactSigner signer;

    /** Every key, the current one first. */
    @GET
    public List<KeyView> keys() {
        return signer.keys().stream()
                .map(k -> new KeyView(
                        k.keyId(), k.algorithm(), Base64.getEncoder().encodeToString(k.publicKey()), k.current()))
                .toList();
    }
}
