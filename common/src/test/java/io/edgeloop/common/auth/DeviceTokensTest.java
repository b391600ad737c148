package io.edgeloop.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceTokensTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void eachPairHasItsOwnKeyIdAndTokensCarryIt() {
        AuthKeys stack = AuthKeys.loadOrCreate(dir);
        AuthKeys issuer = AuthKeys.loadOrCreate(dir, AuthKeys.DEVICE_ISSUER);
        assertTrue(stack.keyId().startsWith("token-signing-"), stack.keyId());
        assertTrue(issuer.keyId().startsWith("device-issuer-"), issuer.keyId());
        assertEquals(
                issuer.keyId(),
                AuthKeys.loadOrCreate(dir, AuthKeys.DEVICE_ISSUER).keyId());
        String admin = stack.minter().subject("a").roles(Roles.ADMIN).mint().value();
        assertEquals(stack.keyId(), Jwks.keyIdOf(admin));
        assertFalse(DeviceTokens.isDeviceIssued(admin));
        String device = new DeviceTokens(issuer, CLOCK)
                .credential("edge-1", Duration.ofHours(1))
                .value();
        assertTrue(DeviceTokens.isDeviceIssued(device));
        assertEquals(null, Jwks.keyIdOf("not a jwt"));
    }

    @Test
    void thePrivateKeyFileAloneGivesTheSameKeyId() {
        AuthKeys issuer = AuthKeys.loadOrCreate(dir, AuthKeys.DEVICE_ISSUER);
        AuthKeys fromFile = AuthKeys.loadPrivate(issuer.privateKeyFile(), AuthKeys.DEVICE_ISSUER);
        assertEquals(issuer.keyId(), fromFile.keyId());
        assertEquals(issuer.publicKey(), fromFile.publicKey());
    }

    @Test
    void theJwkSetVerifiesTokensOfEitherKeyAndNamesBoth() throws Exception {
        AuthKeys stack = AuthKeys.loadOrCreate(dir);
        AuthKeys issuer = AuthKeys.loadOrCreate(dir, AuthKeys.DEVICE_ISSUER);
        String json = Jwks.json(stack, issuer);
        assertEquals(List.of(stack.keyId(), issuer.keyId()), Jwks.keyIds(json));
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(json).getJsonWebKeys()))
                .setExpectedIssuer(TokenMinter.ISSUER)
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(CLOCK.millis()))
                .build();
        DeviceTokens tokens = new DeviceTokens(issuer, CLOCK);
        JwtClaims credential = consumer.processToClaims(
                tokens.credential("edge-7", Duration.ofHours(1)).value());
        assertEquals("edge-7", credential.getSubject());
        assertEquals(List.of(Roles.DEVICE), credential.getStringListClaimValue("groups"));
        JwtClaims grant =
                consumer.processToClaims(tokens.downloadGrant("edge-7", "ab".repeat(32), Duration.ofHours(1)));
        assertEquals(DeviceTokens.GRANT_DOWNLOAD, grant.getStringClaimValue(DeviceTokens.GRANT));
        assertEquals("ab".repeat(32), grant.getStringClaimValue(DeviceTokens.GRANT_SHA256));
        assertTrue(grant.getStringListClaimValue("groups").isEmpty());
        // a key outside the set verifies nothing
        AuthKeys stranger = AuthKeys.loadOrCreate(dir.resolve("other"), AuthKeys.DEVICE_ISSUER);
        assertNotEquals(issuer.keyId(), stranger.keyId());
        String forged = new DeviceTokens(stranger, CLOCK)
                .credential("edge-7", Duration.ofHours(1))
                .value();
        assertThrows(InvalidJwtException.class, () -> consumer.processToClaims(forged));
    }

    @Test
    void onlyTheDeviceIssuerPairSignsDeviceTokens() {
        AuthKeys stack = AuthKeys.loadOrCreate(dir);
        assertThrows(IllegalArgumentException.class, () -> new DeviceTokens(stack, CLOCK));
    }
}
