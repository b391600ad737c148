package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** A credential issued to a device (its token id), kept so that revoking the device revokes every one of them. */
@Entity
@Table(name = "device_credential", indexes = @Index(name = "device_credential_device", columnList = "device_id"))
public class DeviceCredentialEntity extends PanacheEntityBase {
    /** The token's {@code jti}. */
    @Id
    public String id;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /** When it was revoked (device revoked or enrolled again), or null. */
    @Column(name = "revoked_at")
    public Instant revokedAt;
}
