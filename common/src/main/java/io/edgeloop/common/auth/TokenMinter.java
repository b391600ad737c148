package io.edgeloop.common.auth;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Mints the stack's bearer tokens: RS256-signed JWTs with issuer {@value #ISSUER}, the subject as {@code sub} and
 * {@code upn}, the roles in {@code groups}, a random {@code jti} (what {@link RevocationList} revokes) and an expiry.
 *
 * <pre>{@code
 * Token t = keys.minter().subject("alice").roles("ml").ttl(Duration.ofDays(30)).mint();
 * }</pre>
 */
public final class TokenMinter {
    /** The issuer every service expects ({@code mp.jwt.verify.issuer}). */
    public static final String ISSUER = "edgeloop";

    private final PrivateKey key;
    private final String keyId;
    private String subject;
    private final List<String> roles = new ArrayList<>();
    private Duration ttl = Duration.ofDays(30);
    private Clock clock = Clock.systemUTC();

    TokenMinter(PrivateKey key, String keyId) {
        this.key = Objects.requireNonNull(key, "key");
        this.keyId = keyId;
    }

    /** A minter signing with {@code key}; its tokens carry {@code keyId} (may be null) as their {@code kid}. */
    public static TokenMinter signingWith(PrivateKey key, String keyId) {
        return new TokenMinter(key, keyId);
    }

    /** Who the token speaks for: a user name, {@code service:<name>} or a device id. */
    public TokenMinter subject(String subject) {
        this.subject = subject;
        return this;
    }

    /** Roles granted (see {@link Roles}); unknown names are refused. */
    public TokenMinter roles(String... names) {
        for (String n : names) {
            if (!Roles.isKnown(n)) {
                throw new IllegalArgumentException("unknown role '" + n + "'; roles are " + Roles.ALL);
            }
            roles.add(n);
        }
        return this;
    }

    /** Lifetime (default 30 days). */
    public TokenMinter ttl(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        this.ttl = ttl;
        return this;
    }

    /** Clock for the issue and expiry times (tests). */
    public TokenMinter clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Signs a new token with a fresh id; the minter can mint again with the same settings. */
    public Token mint() {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("a token needs a subject");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        long now = clock.millis() / 1000;
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", List.copyOf(roles));
        String id = UUID.randomUUID().toString();
        claims.setJwtId(id);
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + ttl.toSeconds()));
        return new Token(sign(claims, key, keyId), id, subject, List.copyOf(roles), now + ttl.toSeconds());
    }

    /** Signs {@code claims} as an RS256 JWT with {@code kid} {@code keyId} (none when null). */
    static String sign(JwtClaims claims, PrivateKey key, String keyId) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        if (keyId != null) {
            jws.setKeyIdHeaderValue(keyId);
        }
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the token", e);
        }
    }

    /**
     * A minted token.
     *
     * @param value the compact JWT, sent as {@code Authorization: Bearer <value>}
     * @param id its {@code jti}
     * @param subject its subject
     * @param roles roles granted
     * @param expiresAtEpochSecond expiry
     */
    public record Token(String value, String id, String subject, List<String> roles, long expiresAtEpochSecond) {
        /** The value of an {@code Authorization} header carrying this token. */
        public String bearer() {
            return "Bearer " + value;
        }

        @Override
        public String toString() {
            return "Token[" + id + " " + subject + " " + roles + "]";
        }
    }
}
