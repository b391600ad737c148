package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/** One device targeted by a deployment and how far it got. */
@Entity
@Table(
        name = "deployment_target",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "deployment_target_uq",
                        columnNames = {"deployment_id", "device_id"}))
public class DeploymentTargetEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
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
}
