package io.edgeloop.kit.auth;

import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.GrantKey;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks the download grants devices present with artifact downloads ({@link DeviceTokens#downloadGrant}): signed
 * with the grant key ({@code edgeloop.auth.grant-key}, HS256) or by the device issuer (RS256, verified with the app's
 * own token keys), not expired, for the calling device and for the requested artifact. Operators download without a
 * grant; a device only with one.
 */
@ApplicationScoped
public class DownloadGrants {
    @Inject
    JWTParser parser;

    private final Optional<GrantKey> grantKey;

    @Inject
    DownloadGrants(AuthConfig config) {
        this.grantKey = config.grantKey().map(GrantKey::load);
    }

    /** What a verified grant says. */
    private record Grant(String kind, String subject, String sha256) {}

    /**
     * Why {@code identity} may not download {@code sha256} with {@code grant}, or empty when it may: callers that are
     * not devices ({@link Caller#isDevice}) need no grant.
     */
    public Optional<String> refusal(SecurityIdentity identity, String sha256, String grant) {
        if (!Caller.isDevice(identity)) {
            return Optional.empty();
        }
        if (grant == null || grant.isBlank()) {
            return Optional.of("download_grant is required: a device downloads only artifacts assigned to it, with"
                    + " the grant that came with the assignment");
        }
        Optional<Grant> verified = GrantKey.isGrantSigned(grant) ? hmacSigned(grant) : issuerSigned(grant);
        if (verified.isEmpty()) {
            return Optional.of("download_grant is not a valid grant (expired, or not signed by the device issuer)");
        }
        Grant g = verified.get();
        if (!DeviceTokens.GRANT_DOWNLOAD.equals(g.kind())) {
            return Optional.of("download_grant is not a download grant");
        }
        if (!Caller.subject(identity).equals(g.subject())) {
            return Optional.of("download_grant was issued to another device");
        }
        if (!sha256.equals(g.sha256())) {
            return Optional.of("download_grant is for another artifact");
        }
        return Optional.empty();
    }

    private Optional<Grant> hmacSigned(String grant) {
        return grantKey.flatMap(k -> k.verify(grant, Clock.systemUTC()))
                .map(c -> new Grant(
                        claim(c.getClaimValue(DeviceTokens.GRANT)),
                        claim(c.getClaimValue("sub")),
                        claim(c.getClaimValue(DeviceTokens.GRANT_SHA256))));
    }

    private Optional<Grant> issuerSigned(String grant) {
        if (!DeviceTokens.isDeviceIssued(grant)) {
            return Optional.empty();
        }
        try {
            JsonWebToken jwt = parser.parse(grant);
            return Optional.of(new Grant(
                    claim(jwt.getClaim(DeviceTokens.GRANT)),
                    jwt.getSubject(),
                    claim(jwt.getClaim(DeviceTokens.GRANT_SHA256))));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private static String claim(Object v) {
        if (v instanceof JsonString s) {
            return s.getString();
        }
        return v == null ? null : v.toString();
    }
}
