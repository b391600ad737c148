package io.edgeloop.registry.signing;

/**
 * The registry's signature of an artifact.
 *
 * @param sha256 the artifact's digest (hex)
 * @param keyId id of the key that made it (see {@link ArtifactSigner#keys()})
 * @param signature base64 of the Ed25519 signature of the raw 32-byte digest
 */
public record ArtifactSignature(String sha256, String keyId, String signature) {}
