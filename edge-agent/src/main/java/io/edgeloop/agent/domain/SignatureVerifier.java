package io.edgeloop.agent.domain;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Checks the registry's Ed25519 signature of an artifact: the signature (base64) is over the raw 32-byte sha256
 * digest, made with the key {@code signing_key_id}. With {@code required} off, a missing signature is accepted (a
 * present one is still checked).
 */
public final class SignatureVerifier {
    private final TrustedKeys keys;
    private final boolean required;

    public SignatureVerifier(TrustedKeys keys, boolean required) {
        this.keys = keys;
        this.required = required;
    }

    /** Whether a model without a signature is refused. */
    public boolean required() {
        return required;
    }

    /**
     * Verifies {@code signature} of digest {@code sha256Hex} with key {@code keyId}.
     *
     * @return true when a signature was checked, false when there was none and none is required
     * @throws ArtifactVerificationException when the signature is missing (and required), malformed, made with an
     *     unknown key, or does not verify
     */
    public boolean verify(String sha256Hex, String signature, String keyId) throws ArtifactVerificationException {
        boolean hasSignature = signature != null && !signature.isBlank();
        if (!hasSignature) {
            if (required) {
                throw new ArtifactVerificationException(
                        "artifact " + sha256Hex + " has no registry signature and a signature is required");
            }
            return false;
        }
        if (keyId == null || keyId.isBlank()) {
            throw new ArtifactVerificationException("signature of artifact " + sha256Hex + " names no signing key");
        }
        byte[] digest;
        byte[] sig;
        try {
            digest = HexFormat.of().parseHex(sha256Hex);
            sig = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new ArtifactVerificationException(
                    "malformed digest or signature of artifact " + sha256Hex + ": " + e.getMessage());
        }
        if (digest.length != 32) {
            throw new ArtifactVerificationException("artifact digest " + sha256Hex + " is not a sha256 digest");
        }
        PublicKey key;
        try {
            key = keys.key(keyId)
                    .orElseThrow(() -> new ArtifactVerificationException(
                            "artifact " + sha256Hex + " is signed with unknown key " + keyId));
        } catch (GeneralSecurityException e) {
            throw new ArtifactVerificationException("signing key " + keyId + " is unusable: " + e.getMessage());
        } catch (ArtifactVerificationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ArtifactVerificationException(
                    "signing key " + keyId + " is not cached and the registry's keys cannot be fetched: " + e);
        }
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(key);
            ed.update(digest);
            if (ed.verify(sig)) {
                return true;
            }
        } catch (GeneralSecurityException e) {
            throw new ArtifactVerificationException(
                    "signature of artifact " + sha256Hex + " cannot be checked: " + e.getMessage());
        }
        throw new ArtifactVerificationException(
                "registry signature of artifact " + sha256Hex + " does not verify with key " + keyId);
    }
}
