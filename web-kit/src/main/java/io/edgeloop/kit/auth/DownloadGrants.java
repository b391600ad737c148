package io.edgeloop.kit.auth;

import io.edgeloop.common.auth.DeviceTokens;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks the download grants devices present with artifact downloads ({@link DeviceTokens#downloadGrant}): signed by
 * the device issuer (verified with the app's own token keys), not expired, for the calling device and for the
 * requested artifact. Operators download without a grant; a device only with one.
 */
@ApplicationScoped
public class DownloadGrants {
    @Inject
    JWTParser parser;

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
        var jwt = parse(grant);
        if (jwt.isEmpty() || !DeviceTokens.isDeviceIssued(grant)) {
            return Optional.of("download_grant is not a valid grant (expired, or not signed by the device issuer)");
        }
        if (!DeviceTokens.GRANT_DOWNLOAD.equals(claim(jwt.get(), DeviceTokens.GRANT))) {
            return Optional.of("download_grant is not a download grant");
        }
        String device = Caller.subject(identity);
        if (!device.equals(jwt.get().getSubject())) {
            return Optional.of("download_grant was issued to another device");
        }
        if (!sha256.equals(claim(jwt.get(), DeviceTokens.GRANT_SHA256))) {
            return Optional.of("download_grant is for another artifact");
        }
        return Optional.empty();
    }

    private static String claim(JsonWebToken jwt, String name) {
        Object v = jwt.getClaim(name);
        if (v instanceof JsonString s) {
            return s.getString();
        }
        return v == null ? null : v.toString();
    }

    private Optional<JsonWebToken> parse(String grant) {
        try {
            return Optional.of(parser.parse(grant));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
