package io.edgeloop.deployment.domain;

import io.edgeloop.common.auth.AuthKeys;
import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.common.auth.RevocationList;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.kit.auth.AuthConfig;
import io.edgeloop.proto.deployment.v1.Assignment;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The deployment service's device issuer: signs device credentials and the download grants that go with assignments,
 * with {@code edgeloop.auth.device-issuer-key} (see {@link DeviceTokens}; grants with {@code edgeloop.auth.grant-key}
 * when it is set: an HMAC the registries verify with the same key), and writes revoked credentials to the
 * stack's revocation list ({@code edgeloop.auth.revocation-file}), which every service reads. Without the key there
 * is no enrollment and assignments carry no grant (devices then hold operator-minted tokens and registries refuse
 * their downloads).
 */
@ApplicationScoped
public class DeviceIssuer {
    private static final Logger LOG = Logger.getLogger(DeviceIssuer.class);

    private final Optional<DeviceTokens> tokens;
    private final Optional<RevocationList> revocations;
    private final DeploymentConfig config;

    DeviceIssuer(AuthConfig auth, DeploymentConfig config) {
        this.config = config;
        // system time, not the injected Clock: the tokens' iat/exp are checked by their verifiers (SmallRye JWT
        // here, the registry for grants) against the system clock, so they must be minted on it
        GrantKey grantKey = auth.grantKey().map(GrantKey::load).orElse(null);
        this.tokens = auth.deviceIssuerKey()
                .map(f ->
                        new DeviceTokens(AuthKeys.loadPrivate(f, AuthKeys.DEVICE_ISSUER), grantKey, Clock.systemUTC()));
        this.revocations = auth.revocationFile().map(RevocationList::new);
        if (tokens.isEmpty()) {
            LOG.warn("edgeloop.auth.device-issuer-key is not set: devices cannot enroll and assignments carry no"
                    + " download grant");
        } else if (grantKey == null) {
            LOG.info("edgeloop.auth.grant-key is not set: download grants are signed with the device issuer key"
                    + " (RS256, about a millisecond per device of a wave)");
        }
    }

    /** The signer, if a device issuer key is configured. */
    public Optional<DeviceTokens> tokens() {
        return tokens;
    }

    /** {@code a} with a fresh download grant for {@code deviceId} when it names an artifact and a key is set. */
    public Assignment withGrant(String deviceId, Assignment a) {
        if (tokens.isEmpty() || a.getArtifactSha256().isEmpty() || a.getUnassigned()) {
            return a;
        }
        return a.toBuilder()
                .setDownloadGrant(tokens.get()
                        .downloadGrant(
                                deviceId,
                                a.getArtifactSha256(),
                                config.enrollment().grantTtl()))
                .build();
    }

    /** Puts device {@code deviceId} on the stack's revocation list (every credential of it), when one is configured. */
    public void revokeDevice(String deviceId) {
        revocations.ifPresent(r -> r.revokeDevice(deviceId));
    }

    /** Puts the token id {@code jti} on the stack's revocation list, when one is configured. */
    public void revoke(String jti) {
        revocations.ifPresent(r -> r.revoke(jti));
    }
}
