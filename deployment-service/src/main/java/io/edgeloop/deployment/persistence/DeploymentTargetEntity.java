package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/** One device targeted by a deployment: its wave, the variant chosen for it and how far it got. */
@Entity
@Table(
        name = "deployment_target",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "deployment_target_uq",
                        columnNames = {"deployment_id", "device_id"}))
public class DeploymentTargetEntity extends PanacheEntityBase {
    /** From a pooled sequence (50 ids per call), so that many new rows are inserted in JDBC batches. */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "deployment_target_seq")
    @SequenceGenerator(name = "deployment_target_seq", sequenceName = "deployment_target_seq", allocationSize = 50)
    public Long id;

    @Column(name = "deployment_id", nullable = false)
    public String deploymentId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TargetState state;

    @Column(length = 2000)
    public String message;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Wave (1-based) the device is in; null for incompatible devices. */
    public Integer wave;

    @Column(name = "variant_id")
    public String variantId;

    @Column(name = "variant_target")
    public String variantTarget;

    @Column(name = "artifact_sha256", length = 64)
    public String artifactSha256;

    @Column(name = "size_bytes")
    public Long sizeBytes;

    public String format;

    /** Registry signature of the artifact (base64), if the registry returned one. */
    @Column(length = 200)
    public String signature;

    @Column(name = "signing_key_id")
    public String signingKeyId;

    /** Why this variant was chosen (or why none fits). */
    @Column(length = 2000)
    public String selection;

    /** The device's last known good deployment when it was targeted; a rollback returns it there. */
    @Column(name = "previous_deployment_id")
    public String previousDeploymentId;

    /** When its wave assigned it. */
    @Column(name = "assigned_at")
    public Instant assignedAt;
}
