package io.edgeloop.common.auth;

import io.edgeloop.common.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * The download-grant key: a 256-bit secret shared by the deployment service, which signs download grants with it
 * (HS256), and the registries, which verify them — the way a presigned URL works. A grant is checked by the one
 * service that serves the artifact, so it needs no public-key signature: an HMAC costs microseconds where an RSA-2048
 * signature costs a millisecond or two, which matters when a rollout wave grants a download to 10,000 devices.
 *
 * <p>Stored as one line of base64 in {@value #FILE} (mode 0600). Grants carry the key id {@link #keyId()}
 * ({@code grant-<digest>}) in their {@code kid} header, which tells them apart from RSA-signed tokens.
 */
public final class GrantKey {
    /** File name of the key inside a key directory. */
    public static final String FILE = "grant.key";
    /** Prefix of the key id of grants signed with a grant key. */
    public static final String KEY_ID_PREFIX = "grant-";

    private static final int BYTES = 32;
    private static final int CLOCK_SKEW_S = 60;

    private final byte[] secret;
    private final String keyId;
    private final Path file;

    private GrantKey(byte[] secret, Path file) {
        if (secret.length < BYTES) {
            throw new IllegalArgumentException(file + " holds " + secret.length + " bytes; a grant key needs " + BYTES);
        }
        this.secret = secret.clone();
        this.keyId = KEY_ID_PREFIX + Hashing.sha256Hex(secret).substring(0, 16);
        this.file = file;
    }

    /** Reads the key in {@code dir}, or generates and writes one when there is none. */
    public static GrantKey loadOrCreate(Path dir) {
        Path f = dir.resolve(FILE);
        if (Files.isRegularFile(f)) {
            return load(f);
        }
        byte[] secret = new byte[BYTES];
        new SecureRandom().nextBytes(secret);
        try {
            Files.createDirectories(dir);
            AuthKeys.writeSecret(f, Base64.getEncoder().encodeToString(secret) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the grant key " + f, e);
        }
        return new GrantKey(secret, f);
    }

    /**
     * Reads a key file.
     *
     * @throws IllegalArgumentException when it is not base64 of at least 32 bytes
     * @throws UncheckedIOException when it cannot be read
     */
    public static GrantKey load(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return new GrantKey(Base64.getDecoder().decode(text), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the grant key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a grant key (one line of base64): " + e.getMessage(), e);
        }
    }

    /** Whether {@code compactJwt} claims (by its {@code kid}) to be signed by a grant key; nothing is verified. */
    public static boolean isGrantSigned(String compactJwt) {
        String kid = Jwks.keyIdOf(compactJwt);
        return kid != null && kid.startsWith(KEY_ID_PREFIX);
    }

    /** The key id grants signed with this key carry. */
    public String keyId() {
        return keyId;
    }

    /** The file the key was read from or written to. */
    public Path file() {
        return file;
    }

    /** Signs {@code claims} as an HS256 JWT with this key's id. */
    public String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(new HmacKey(secret));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(keyId);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the grant", e);
        }
    }

    /**
     * The claims of {@code compactJwt} when it is an HS256 JWT signed with this key, issued by the stack, not expired
     * at {@code clock}'s time (60 s of skew allowed); empty otherwise.
     */
    public Optional<JwtClaims> verify(String compactJwt, Clock clock) {
        if (compactJwt == null || !keyId.equals(Jwks.keyIdOf(compactJwt))) {
            return Optional.empty();
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(secret))
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_S)
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setExpectedIssuer(TokenMinter.ISSUER)
                .setRequireSubject()
                .build();
        try {
            return Optional.of(consumer.processToClaims(compactJwt));
        } catch (InvalidJwtException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "GrantKey[" + keyId + "]";
    }
}
