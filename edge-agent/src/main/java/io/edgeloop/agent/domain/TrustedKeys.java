package io.edgeloop.agent.domain;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.proto.registry.v1.SigningKey;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The registry's artifact-signing public keys (Ed25519, X.509 SubjectPublicKeyInfo DER), cached on disk in
 * {@code trusted-keys.json} so signatures verify offline. An unknown key id is looked up once at the registry
 * ({@code ArtifactService.GetSigningKeys}) and the answer cached; a key id already trusted is never replaced by
 * different key bytes (trust on first use: a changed key is ignored with a warning). Thread-safe.
 */
public final class TrustedKeys {
    private static final Logger LOG = Logger.getLogger(TrustedKeys.class);
    static final String FILE = "trusted-keys.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where keys come from when one is not cached: the registry's GetSigningKeys. */
    @FunctionalInterface
    public interface KeySource {
        /**
         * The registry's current keys.
         *
         * @throws RuntimeException (e.g. a gRPC status) when the registry cannot be reached
         */
        List<SigningKey> fetch();
    }

    private final Path file;
    private final KeySource source;
    /** key id -> DER bytes. */
    private final Map<String, byte[]> keys = new LinkedHashMap<>();

    /** Loads the cache in {@code dir} (an unreadable cache is ignored with a warning and rebuilt). */
    public TrustedKeys(Path dir, KeySource source) {
        this.file = dir.resolve(FILE);
        this.source = source;
        if (Files.isRegularFile(file)) {
            try {
                Map<String, String> stored = JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {});
                stored.forEach((id, der) -> keys.put(id, Base64.getDecoder().decode(der)));
            } catch (IOException | IllegalArgumentException e) {
                LOG.warnf("ignoring unreadable %s: %s", file, e.getMessage());
            }
        }
    }

    /**
     * The public key {@code keyId}: from the cache, else fetched from the registry (and cached).
     *
     * @return empty when neither knows it
     * @throws RuntimeException when the key is not cached and the registry cannot be reached
     */
    public synchronized Optional<PublicKey> key(String keyId) throws GeneralSecurityException {
        byte[] der = keys.get(keyId);
        if (der == null) {
            refresh();
            der = keys.get(keyId);
        }
        return der == null ? Optional.empty() : Optional.of(decode(der));
    }

    /** Key ids cached on disk. */
    public synchronized List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    private void refresh() {
        boolean changed = false;
        for (SigningKey k : source.fetch()) {
            if (!"Ed25519".equalsIgnoreCase(k.getAlgorithm()) || k.getKeyId().isBlank()) {
                LOG.warnf("ignoring signing key %s with algorithm %s", k.getKeyId(), k.getAlgorithm());
                continue;
            }
            byte[] der = k.getPublicKey().toByteArray();
            byte[] known = keys.get(k.getKeyId());
            if (known == null) {
                try {
                    decode(der);
                } catch (GeneralSecurityException e) {
                    LOG.warnf("ignoring signing key %s: not an Ed25519 public key (%s)", k.getKeyId(), e.getMessage());
                    continue;
                }
                keys.put(k.getKeyId(), der);
                changed = true;
                LOG.infof("trusting registry signing key %s", k.getKeyId());
            } else if (!Arrays.equals(known, der)) {
                LOG.warnf(
                        "registry now serves different bytes for signing key %s; keeping the trusted key",
                        k.getKeyId());
            }
        }
        if (changed) {
            save();
        }
    }

    private void save() {
        Map<String, String> stored = new LinkedHashMap<>();
        keys.forEach((id, der) -> stored.put(id, Base64.getEncoder().encodeToString(der)));
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), stored);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the keys stay trusted in memory; the next refresh writes them again
            LOG.warnf("cannot write %s: %s", file, e.getMessage());
        }
    }

    private static PublicKey decode(byte[] der) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }
}
