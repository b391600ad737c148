package io.edgeloop.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

/**
 * The verification keys of a stack as a JWK set ({@code verify-keys.jwks}): every service points {@code
 * mp.jwt.verify.publickey.location} at it and SmallRye JWT picks the key a token names in its {@code kid} header.
 * Each key carries its {@link AuthKeys#keyId()}, so a verifier also knows whether a token was signed by the stack's
 * key or by the device issuer's (see {@link DeviceTokens#isDeviceIssued(String)}).
 */
public final class Jwks {
    /** File name of the set next to the keys. */
    public static final String FILE = "verify-keys.jwks";

    private Jwks() {}

    /** The JSON of a JWK set holding the public keys of {@code pairs} (RS256, {@code use=sig}). */
    public static String json(AuthKeys... pairs) {
        List<JsonWebKey> keys = new ArrayList<>();
        for (AuthKeys k : pairs) {
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) k.publicKey());
            jwk.setKeyId(k.keyId());
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            jwk.setUse("sig");
            keys.add(jwk);
        }
        return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** Writes (atomically replaces) the set of {@code pairs}' public keys to {@code file}; returns {@code file}. */
    public static Path write(Path file, AuthKeys... pairs) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, json(pairs), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The key ids of the set in {@code json}. */
    public static List<String> keyIds(String json) {
        try {
            return new JsonWebKeySet(json)
                    .getJsonWebKeys().stream().map(JsonWebKey::getKeyId).toList();
        } catch (JoseException e) {
            throw new IllegalArgumentException("not a JWK set: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code kid} header of a compact JWT, read without verifying it (call only after the token was verified, to
     * learn which of the trusted keys signed it), or null when it has none or is not a JWT.
     */
    public static String keyIdOf(String compactJwt) {
        if (compactJwt == null) {
            return null;
        }
        int dot = compactJwt.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            String header =
                    new String(Base64.getUrlDecoder().decode(compactJwt.substring(0, dot)), StandardCharsets.UTF_8);
            Object kid = org.jose4j.json.JsonUtil.parseJson(header).get("kid");
            return kid instanceof String s ? s : null;
        } catch (IllegalArgumentException | JoseException e) {
            return null;
        }
    }
}
