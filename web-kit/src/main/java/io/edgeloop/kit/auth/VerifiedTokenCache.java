package io.edgeloop.kit.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * SmallRye JWT's parser with the tokens it verified remembered for a short while: a device sends the same bearer
 * token with every telemetry window and state report, and verifying its RSA signature and claims again on each call
 * is a large share of a small call's cost. A remembered token is reused until the earlier of its expiry and
 * {@link #TTL} after it was verified; failures are never remembered; at most {@link #MAX_ENTRIES} tokens are kept
 * (beyond that, tokens are verified on every call until expired entries are swept). Revocation is unaffected: the
 * {@link RoleAugmentor} checks the revocation list on every request, after this parser.
 *
 * <p>Every parse through the {@link JWTParser} interface (bearer tokens on REST and gRPC, download grants) goes
 * through here; {@code verify} and {@code decrypt} with explicit keys are passed straight on.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {
    /** Longest time a verification is reused. */
    static final Duration TTL = Duration.ofSeconds(30);

    /** Most tokens remembered at once. */
    static final int MAX_ENTRIES = 20_000;

    private final Map<String, Entry> verified = new ConcurrentHashMap<>();
    private final JWTParser delegate;
    private final Clock clock;
    private final int maxEntries;
    private volatile long nextSweep;

    private record Entry(JsonWebToken token, long validUntilMillis) {}

    @Inject
    VerifiedTokenCache(DefaultJWTParser smallRye) {
        this(smallRye, Clock.systemUTC(), MAX_ENTRIES);
    }

    VerifiedTokenCache(JWTParser delegate, Clock clock, int maxEntries) {
        this.delegate = delegate;
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.millis();
        Entry e = verified.get(token);
        if (e != null) {
            if (now < e.validUntilMillis()) {
                return e.token();
            }
            verified.remove(token, e);
        }
        JsonWebToken jwt = delegate.parse(token);
        remember(token, jwt, now);
        return jwt;
    }

    /** Tokens remembered now. */
    int size() {
        return verified.size();
    }

    private void remember(String token, JsonWebToken jwt, long now) {
        long until = now + TTL.toMillis();
        long exp = jwt.getExpirationTime();
        if (exp > 0) {
            until = Math.min(until, exp * 1000);
        }
        if (until <= now) {
            return;
        }
        if (verified.size() >= maxEntries) {
            sweep(now);
            if (verified.size() >= maxEntries) {
                return;
            }
        }
        verified.put(token, new Entry(jwt, until));
    }

    /** Drops expired entries, at most once a second. */
    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + 1000;
        verified.values().removeIf(e -> e.validUntilMillis() <= now);
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return delegate.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return delegate.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return delegate.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return delegate.parseOnly(token);
    }
}
