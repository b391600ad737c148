package io.edgeloop.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A public key the registry has signed artifacts with; kept after a key rotation so old signatures still verify. */
@Entity
@Table(name = "registry_signing_key")
public class SigningKeyEntity extends PanacheEntityBase {
    @Id
    @Column(name = "key_id", length = 128)
    public String keyId;

    @Column(nullable = false, length = 32)
    public String algorithm;

    /** X.509 SubjectPublicKeyInfo, DER. */
    @Column(name = "public_key", nullable = false)
    public byte[] publicKey;

    @Column(name = "first_used_at", nullable = false)
    public Instant firstUsedAt;
}
