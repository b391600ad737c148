package io.edgeloop.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    /** A parser double: counts parses; tokens named "bad*" fail; "exp=<epoch s>" tokens carry that expiry. */
    private static final class CountingParser extends DefaultJWTParser {
        final Map<String, Integer> parses = new HashMap<>();

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            parses.merge(token, 1, Integer::sum);
            if (token.startsWith("bad")) {
                throw new ParseException("signature mismatch");
            }
            long exp = token.startsWith("exp=") ? Long.parseLong(token.substring(4)) : 0;
            return new Jwt(token, exp);
        }
    }

    private record Jwt(String name, long exp) implements JsonWebToken {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public long getExpirationTime() {
            return exp;
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of();
        }

        @Override
        public <T> T getClaim(String claimName) {
            return null;
        }
    }

    private static final class MutableClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aVerifiedTokenIsReusedUntilTheTtl() throws Exception {
        CountingParser parser = new CountingParser();
        MutableClock clock = new MutableClock();
        VerifiedTokenCache cache = new VerifiedTokenCache(parser, clock, 100);
        JsonWebToken first = cache.parse("device-a");
        clock.now = T0.plus(VerifiedTokenCache.TTL).minusMillis(1);
        assertSame(first, cache.parse("device-a"));
        assertEquals(1, parser.parses.get("device-a"));
        clock.now = T0.plus(VerifiedTokenCache.TTL);
        cache.parse("device-a");
        assertEquals(2, parser.parses.get("device-a"), "verified again after the TTL");
    }

    @Test
    void aTokenIsNeverReusedPastItsExpiry() throws Exception {
        CountingParser parser = new CountingParser();
        MutableClock clock = new MutableClock();
        VerifiedTokenCache cache = new VerifiedTokenCache(parser, clock, 100);
        String token = "exp=" + T0.plusSeconds(5).getEpochSecond();
        cache.parse(token);
        clock.now = T0.plusSeconds(4);
        cache.parse(token);
        assertEquals(1, parser.parses.get(token));
        clock.now = T0.plusSeconds(5);
        cache.parse(token);
        assertEquals(2, parser.parses.get(token), "its expiry ends the reuse before the TTL does");
    }

    @Test
    void failuresAreNeverRemembered() {
        CountingParser parser = new CountingParser();
        VerifiedTokenCache cache = new VerifiedTokenCache(parser, new MutableClock(), 100);
        assertThrows(ParseException.class, () -> cache.parse("bad-token"));
        assertThrows(ParseException.class, () -> cache.parse("bad-token"));
        assertEquals(2, parser.parses.get("bad-token"));
        assertEquals(0, cache.size());
    }

    @Test
    void theCacheIsBoundedAndSweepsExpiredEntries() throws Exception {
        CountingParser parser = new CountingParser();
        MutableClock clock = new MutableClock();
        VerifiedTokenCache cache = new VerifiedTokenCache(parser, clock, 2);
        cache.parse("a");
        cache.parse("b");
        cache.parse("c"); // full of live entries: verified, not kept
        assertEquals(2, cache.size());
        cache.parse("c");
        assertEquals(2, parser.parses.get("c"));
        clock.now = T0.plus(VerifiedTokenCache.TTL).plus(Duration.ofSeconds(2));
        cache.parse("d"); // the sweep drops a and b, d is kept
        assertEquals(1, cache.size());
        cache.parse("d");
        assertEquals(1, parser.parses.get("d"));
    }
}
