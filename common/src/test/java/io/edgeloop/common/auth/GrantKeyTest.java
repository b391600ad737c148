package io.edgeloop.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrantKeyTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void theKeyIsCreatedOnceReadableByItsOwnerOnly() throws Exception {
        GrantKey key = GrantKey.loadOrCreate(dir);
        assertTrue(key.keyId().startsWith(GrantKey.KEY_ID_PREFIX), key.keyId());
        assertEquals(key.keyId(), GrantKey.loadOrCreate(dir).keyId());
        assertEquals(key.keyId(), GrantKey.load(dir.resolve(GrantKey.FILE)).keyId());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.file())));
        assertNotEquals(key.keyId(), GrantKey.loadOrCreate(dir.resolve("other")).keyId());
    }

    @Test
    void aGrantSignedWithTheKeyVerifiesAndCarriesItsClaims() throws Exception {
        GrantKey key = GrantKey.loadOrCreate(dir);
        AuthKeys issuer = AuthKeys.loadOrCreate(dir, AuthKeys.DEVICE_ISSUER);
        String grant =
                new DeviceTokens(issuer, key, CLOCK).downloadGrant("edge-7", "ab".repeat(32), Duration.ofHours(1));
        assertTrue(GrantKey.isGrantSigned(grant));
        assertEquals(key.keyId(), Jwks.keyIdOf(grant));
        JwtClaims claims = key.verify(grant, CLOCK).orElseThrow();
        assertEquals("edge-7", claims.getSubject());
        assertEquals(DeviceTokens.GRANT_DOWNLOAD, claims.getStringClaimValue(DeviceTokens.GRANT));
        assertEquals("ab".repeat(32), claims.getStringClaimValue(DeviceTokens.GRANT_SHA256));
        // without a grant key the issuer signs grants itself (RS256): not grant-signed, not verified by the key
        String rsa = new DeviceTokens(issuer, CLOCK).downloadGrant("edge-7", "ab".repeat(32), Duration.ofHours(1));
        assertFalse(GrantKey.isGrantSigned(rsa));
        assertTrue(DeviceTokens.isDeviceIssued(rsa));
        assertTrue(key.verify(rsa, CLOCK).isEmpty());
    }

    @Test
    void expiredTamperedOrForeignGrantsDoNotVerify() {
        GrantKey key = GrantKey.loadOrCreate(dir);
        AuthKeys issuer = AuthKeys.loadOrCreate(dir, AuthKeys.DEVICE_ISSUER);
        DeviceTokens tokens = new DeviceTokens(issuer, key, CLOCK);
        String grant = tokens.downloadGrant("edge-7", "cd".repeat(32), Duration.ofMinutes(10));
        assertTrue(
                key.verify(grant, Clock.offset(CLOCK, Duration.ofMinutes(10))).isPresent(), "within the skew");
        assertTrue(
                key.verify(grant, Clock.offset(CLOCK, Duration.ofMinutes(12))).isEmpty(), "expired");

        String[] parts = grant.split("\\.");
        String otherPayload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("{\"iss\":\"" + TokenMinter.ISSUER + "\",\"sub\":\"edge-8\",\"exp\":"
                                + (CLOCK.millis() / 1000 + 600) + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(
                key.verify(parts[0] + "." + otherPayload + "." + parts[2], CLOCK)
                        .isEmpty(),
                "tampered");

        GrantKey foreign = GrantKey.loadOrCreate(dir.resolve("foreign"));
        String forged = new DeviceTokens(issuer, foreign, CLOCK)
                .downloadGrant("edge-7", "cd".repeat(32), Duration.ofMinutes(10));
        assertTrue(key.verify(forged, CLOCK).isEmpty(), "another key");
        assertTrue(key.verify("not-a-jwt", CLOCK).isEmpty());
        assertTrue(key.verify(null, CLOCK).isEmpty());
    }

    @Test
    void aFileThatIsNotAKeyIsRefusedByName() throws Exception {
        Path f = dir.resolve("bad.key");
        Files.writeString(f, "not base64!");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GrantKey.load(f));
        assertTrue(e.getMessage().contains("bad.key"), e.getMessage());
        Files.writeString(f, Base64.getEncoder().encodeToString(new byte[16]));
        e = assertThrows(IllegalArgumentException.class, () -> GrantKey.load(f));
        assertTrue(e.getMessage().contains("needs 32"), e.getMessage());
    }
}
