package io.edgeloop.common.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * What the device issuer ({@link AuthKeys#DEVICE_ISSUER}, held by the deployment service only) signs: a device's
 * credential (a bearer token whose subject is the device id and whose only role is {@link Roles#DEVICE}) and download
 * grants (a device may download one artifact; not a bearer token: it carries no roles).
 *
 * <p>Verifiers trust the issuer's key for nothing else: {@link #isDeviceIssued(String)} tells a verified token signed
 * by it, and such a token with any role but {@code device} is refused (see web-kit's {@code RoleAugmentor}), so a
 * stolen issuer key cannot mint an administrator.
 */
public final class DeviceTokens {
    /** Claim of a download grant: the sha256 of the one artifact it allows. */
    public static final String GRANT_SHA256 = "edgeloop_artifact";
    /** Claim marking a download grant (its value is {@value #GRANT_DOWNLOAD}). */
    public static final String GRANT = "edgeloop_grant";
    /** The {@link #GRANT} value of a download grant. */
    public static final String GRANT_DOWNLOAD = "download";

    private final AuthKeys issuer;
    private final GrantKey grantKey;
    private final Clock clock;

    /** An issuer signing credentials and download grants with {@code issuer} (a {@link AuthKeys#DEVICE_ISSUER} pair). */
    public DeviceTokens(AuthKeys issuer, Clock clock) {
        this(issuer, null, clock);
    }

    /**
     * An issuer signing credentials with {@code issuer} and download grants with {@code grantKey} (HS256, verified by
     * the registries that hold the same key), or with {@code issuer} when it is null.
     */
    public DeviceTokens(AuthKeys issuer, GrantKey grantKey, Clock clock) {
        if (!issuer.name().equals(AuthKeys.DEVICE_ISSUER)) {
            throw new IllegalArgumentException("device tokens are signed by the " + AuthKeys.DEVICE_ISSUER + " key");
        }
        this.issuer = issuer;
        this.grantKey = grantKey;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether a (verified) token was signed by a device issuer key, judged by its {@code kid}. */
    public static boolean isDeviceIssued(String compactJwt) {
        String kid = Jwks.keyIdOf(compactJwt);
        return kid != null && kid.startsWith(AuthKeys.DEVICE_ISSUER + "-");
    }

    /** A credential for {@code deviceId}, valid for {@code ttl}. */
    public TokenMinter.Token credential(String deviceId, Duration ttl) {
        return issuer.minter()
                .subject(deviceId)
                .roles(Roles.DEVICE)
                .ttl(ttl)
                .clock(clock)
                .mint();
    }

    /**
     * A grant allowing {@code deviceId} to download the artifact {@code sha256} for {@code ttl}: an HS256 JWT with the
     * grant key when this issuer has one, else an RS256 JWT with the device issuer key.
     */
    public String downloadGrant(String deviceId, String sha256, Duration ttl) {
        long now = clock.millis() / 1000;
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(TokenMinter.ISSUER);
        claims.setSubject(deviceId);
        claims.setClaim("upn", deviceId);
        claims.setStringListClaim("groups", List.of());
        claims.setClaim(GRANT, GRANT_DOWNLOAD);
        claims.setClaim(GRANT_SHA256, sha256);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + ttl.toSeconds()));
        return grantKey != null ? grantKey.sign(claims) : TokenMinter.sign(claims, issuer.privateKey(), issuer.keyId());
    }
}
