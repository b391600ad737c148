package io.edgeloop.registry.signing;

/**
 * A public key that verifies artifact signatures.
 *
 * @param keyId its id
 * @param algorithm {@code Ed25519}
 * @param publicKey X.509 SubjectPublicKeyInfo, DER
 * @param current whether new signatures are made with it
 */
public record PublicSigningKey(String keyId, String algorithm, byte[] publicKey, boolean current) {}
