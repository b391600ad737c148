package io.edgeloop.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The registry's Ed25519 signature of an artifact's raw 32-byte SHA-256 digest, made when it was first registered. */
@Entity
@Table(name = "registry_artifact_signature")
public class ArtifactSignatureEntity extends PanacheEntityBase {
    @Id
    @Column(length = 64)
    public String sha256;

    @Column(name = "key_id", nullable = false, length = 128)
    public String keyId;

    /** Base64 of the 64-byte signature. */
    @Column(nullable = false, length = 128)
    public String signature;

    @Column(name = "signed_at", nullable = false)
    public Instant signedAt;
}
