package io.edgeloop.registry.signing;

import io.edgeloop.common.Hashing;
import io.edgeloop.registry.config.RegistryConfig;
import io.edgeloop.registry.persistence.ArtifactSignatureEntity;
import io.edgeloop.registry.persistence.SigningKeyEntity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Signs artifacts with the registry's Ed25519 key: the signature covers the raw 32-byte SHA-256 digest of the
 * content. Only registered content is signed: {@link #sign} runs when a version or variant that an {@code ml}
 * caller registers first references the artifact, and {@link #signature} serves a stored signature only while a
 * version or variant references the artifact, so an upload that is never registered is never signed (its signature
 * is forgotten when the blob is collected). The key comes from {@code edgeloop.registry.signing.private-key};
 * without one, a key is generated at first start and kept in {@code <storage-dir>/signing/ed25519-private.pk8}
 * (owner-only), so it survives restarts. Every public key ever used is kept so that older signatures still verify
 * after a rotation.
 */
@ApplicationScoped
public class ArtifactSigner {
    private static final Logger LOG = Logger.getLogger(ArtifactSigner.class);
    static final String KEY_FILE = "ed25519-private.pk8";

    @Inject
    RegistryConfig config;

    @Inject
    EntityManager em;

    private volatile KeyPair keyPair;
    private volatile String keyId;

    @Transactional
    void onStart(@Observes StartupEvent event) {
        load();
        em.createNativeQuery("insert into registry_signing_key (key_id, algorithm, public_key, first_used_at)"
                        + " values (?1, ?2, ?3, ?4) on conflict (key_id) do nothing")
                .setParameter(1, keyId)
                .setParameter(2, Ed25519.ALGORITHM)
                .setParameter(3, keyPair.getPublic().getEncoded())
                .setParameter(4, Instant.now().truncatedTo(ChronoUnit.MICROS))
                .executeUpdate();
        LOG.infof("artifacts are signed with Ed25519 key %s", keyId);
    }

    /** Id of the key new signatures are made with. */
    public String keyId() {
        load();
        return keyId;
    }

    /**
     * Signs a registered artifact (storing the signature) unless it is signed already; runs in the registration's
     * transaction, which references the artifact. The caller checks that the artifact is stored.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ArtifactSignature sign(String sha256) {
        if (!Hashing.isSha256Hex(sha256)) {
            throw new IllegalArgumentException("not a sha256 digest: " + sha256);
        }
        ArtifactSignatureEntity stored = em.find(ArtifactSignatureEntity.class, sha256);
        if (stored == null) {
            load();
            String signature =
                    Base64.getEncoder().encodeToString(signDigest(HexFormat.of().parseHex(sha256)));
            em.createNativeQuery("insert into registry_artifact_signature (sha256, key_id, signature, signed_at)"
                            + " values (?1, ?2, ?3, ?4) on conflict (sha256) do nothing")
                    .setParameter(1, sha256)
                    .setParameter(2, keyId)
                    .setParameter(3, signature)
                    .setParameter(4, Instant.now().truncatedTo(ChronoUnit.MICROS))
                    .executeUpdate();
            stored = em.find(ArtifactSignatureEntity.class, sha256);
        }
        return new ArtifactSignature(stored.sha256, stored.keyId, stored.signature);
    }

    /**
     * The stored signature of an artifact that a version or variant references; empty for content that was only
     * uploaded (never registered), and for unknown digests.
     */
    @Transactional
    public Optional<ArtifactSignature> signature(String sha256) {
        if (!Hashing.isSha256Hex(sha256)) {
            return Optional.empty();
        }
        return em.createQuery(
                        "select s from ArtifactSignatureEntity s where s.sha256 = ?1 and (exists (select 1 from"
                                + " ModelVersionEntity v where v.artifactSha256 = s.sha256) or exists (select 1"
                                + " from ModelVariantEntity w where w.artifactSha256 = s.sha256))",
                        ArtifactSignatureEntity.class)
                .setParameter(1, sha256)
                .getResultStream()
                .findFirst()
                .map(e -> new ArtifactSignature(e.sha256, e.keyId, e.signature));
    }

    /** Drops the signature of an artifact that was deleted (it is signed afresh if the content comes back). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String sha256) {
        em.createQuery("delete from ArtifactSignatureEntity s where s.sha256 = ?1")
                .setParameter(1, sha256)
                .executeUpdate();
    }

    /** Every public key that signed artifacts, the current one first. */
    @Transactional
    public List<PublicSigningKey> keys() {
        String current = keyId();
        List<SigningKeyEntity> all = SigningKeyEntity.list("order by firstUsedAt desc");
        return all.stream()
                .sorted((a, b) -> Boolean.compare(b.keyId.equals(current), a.keyId.equals(current)))
                .map(k -> new PublicSigningKey(k.keyId, k.algorithm, k.publicKey, k.keyId.equals(current)))
                .toList();
    }

    /** Ed25519 signature of the raw digest bytes. */
    byte[] signDigest(byte[] digest) {
        return Ed25519.sign(keyPair.getPrivate(), digest);
    }

    private synchronized void load() {
        if (keyPair != null) {
            return;
        }
        try {
            Optional<String> configured = config.signing().privateKey().filter(s -> !s.isBlank());
            KeyPair pair;
            if (configured.isPresent()) {
                pair = Ed25519.keyPair(Ed25519.privateKey(
                        Base64.getMimeDecoder().decode(configured.get().trim())));
                LOG.info("using the configured signing key (edgeloop.registry.signing.private-key)");
            } else {
                pair = loadOrGenerate(Path.of(config.storageDir()).resolve("signing"));
            }
            keyId = config.signing().keyId().filter(s -> !s.isBlank()).orElseGet(() -> defaultKeyId(pair));
            keyPair = pair;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "edgeloop.registry.signing.private-key is not a base64 PKCS#8 Ed25519 private key: " + e, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the signing key", e);
        }
    }

    /** {@code ed25519-<first 16 hex digits of sha256(X.509 public key)>}. */
    static String defaultKeyId(KeyPair pair) {
        return "ed25519-" + Hashing.sha256Hex(pair.getPublic().getEncoded()).substring(0, 16);
    }

    private static KeyPair loadOrGenerate(Path dir) throws IOException, GeneralSecurityException {
        Path file = dir.resolve(KEY_FILE);
        if (Files.isRegularFile(file)) {
            LOG.infof("using the signing key in %s", file);
            return Ed25519.keyPair(Ed25519.privateKey(Files.readAllBytes(file)));
        }
        Files.createDirectories(dir);
        KeyPair pair = KeyPairGenerator.getInstance(Ed25519.ALGORITHM).generateKeyPair();
        Path tmp = Files.createTempFile(dir, "key", ".tmp");
        try {
            restrict(tmp);
            Files.write(tmp, pair.getPrivate().getEncoded());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // another process generated one first: use that
            return Ed25519.keyPair(Ed25519.privateKey(Files.readAllBytes(file)));
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.infof("generated a new Ed25519 signing key in %s", file);
        return pair;
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX filesystem: rely on the directory's permissions
        }
    }
}
