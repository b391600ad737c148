package io.edgeloop.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthKeysTest {
    @TempDir
    Path dir;

    @Test
    void keysAreCreatedOnceWithAPrivateFileOnlyTheOwnerReads() throws Exception {
        AuthKeys first = AuthKeys.loadOrCreate(dir);
        AuthKeys again = AuthKeys.loadOrCreate(dir);
        assertEquals(first.publicKey(), again.publicKey());
        assertEquals(first.privateKey(), again.privateKey());
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(AuthKeys.PRIVATE_FILE))));
        assertTrue(Files.readString(first.publicKeyFile()).startsWith("-----BEGIN PUBLIC KEY-----"));
    }

    @Test
    void mintedTokenVerifiesWithThePublicKeyAndCarriesSubjectRolesAndExpiry() throws Exception {
        AuthKeys keys = AuthKeys.loadOrCreate(dir);
        Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
        TokenMinter.Token t = keys.minter()
                .subject("alice")
                .roles(Roles.ML, Roles.DATA)
                .ttl(Duration.ofHours(2))
                .clock(clock)
                .mint();
        JwtClaims claims = consumer(keys, clock).processToClaims(t.value());
        assertEquals("alice", claims.getSubject());
        assertEquals("alice", claims.getStringClaimValue("upn"));
        assertEquals(List.of("ml", "data"), claims.getStringListClaimValue("groups"));
        assertEquals(t.id(), claims.getJwtId());
        assertEquals(
                clock.instant().getEpochSecond() + 7200,
                claims.getExpirationTime().getValue());
        assertEquals("Bearer " + t.value(), t.bearer());
    }

    @Test
    void tokenFromAnotherKeyDoesNotVerify() {
        AuthKeys keys = AuthKeys.loadOrCreate(dir.resolve("a"));
        AuthKeys other = AuthKeys.loadOrCreate(dir.resolve("b"));
        String forged =
                other.minter().subject("mallory").roles(Roles.ADMIN).mint().value();
        assertThrows(
                InvalidJwtException.class,
                () -> consumer(keys, Clock.systemUTC()).processToClaims(forged));
    }

    @Test
    void minterRefusesUnknownRolesAndMissingSubject() {
        TokenMinter m = AuthKeys.loadOrCreate(dir).minter();
        assertThrows(IllegalArgumentException.class, () -> m.roles("root"));
        assertThrows(IllegalArgumentException.class, () -> m.roles(Roles.VIEWER).mint());
    }

    @Test
    void rolesExpandToWhatTheyImply() {
        assertEquals(Set.of("admin", "viewer", "data", "ml", "release"), Roles.expand(List.of("admin")));
        assertEquals(Set.of("ml", "viewer"), Roles.expand(List.of("ml")));
        assertEquals(Set.of("device"), Roles.expand(List.of("device")));
    }

    @Test
    void revocationIsSeenByAnotherReaderOfTheFile() {
        Path file = dir.resolve("revoked");
        RevocationList writer = new RevocationList(file);
        RevocationList reader = new RevocationList(file);
        assertFalse(reader.isRevoked("t1"));
        writer.revoke("t1");
        writer.revoke("t1");
        assertTrue(reader.isRevoked("t1"));
        assertFalse(reader.isRevoked("t2"));
        writer.revoke("t2");
        assertTrue(reader.isRevoked("t2"));
        assertThrows(IllegalArgumentException.class, () -> writer.revoke("a\nb"));
    }

    private static JwtConsumer consumer(AuthKeys keys, Clock clock) {
        return new JwtConsumerBuilder()
                .setVerificationKey(keys.publicKey())
                .setExpectedIssuer(TokenMinter.ISSUER)
                .setRequireSubject()
                .setRequireExpirationTime()
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(clock.millis()))
                .build();
    }
}
