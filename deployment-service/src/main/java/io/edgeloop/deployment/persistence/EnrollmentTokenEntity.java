package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A one-time enrollment token: only the SHA-256 of its secret is kept. It is good for one {@code Enroll} before it
 * expires, optionally only for one device id.
 */
@Entity
@Table(name = "enrollment_token")
public class EnrollmentTokenEntity extends PanacheEntityBase {
    /** Public id (for listing and cancelling); not the secret. */
    @Id
    public String id;

    /** Hex SHA-256 of the secret. */
    @Column(name = "secret_sha256", length = 64, nullable = false, unique = true)
    public String secretSha256;

    /** The only device id it enrolls, or null for any (not yet registered or enrolled) id. */
    @Column(name = "device_id")
    public String deviceId;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /** When it was used (then {@link #usedBy} is the device it enrolled), or null. */
    @Column(name = "used_at")
    public Instant usedAt;

    @Column(name = "used_by")
    public String usedBy;

    /** When an administrator cancelled it, or null. */
    @Column(name = "cancelled_at")
    public Instant cancelledAt;

    /** {@code active}, {@code used}, {@code cancelled} or {@code expired} at {@code now}. */
    public String status(Instant now) {
        if (usedAt != null) {
            return "used";
        }
        if (cancelledAt != null) {
            return "cancelled";
        }
        return now.isBefore(expiresAt) ? "active" : "expired";
    }
}
