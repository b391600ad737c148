package io.edgeloop.deployment.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** One variant a rollout may assign (from ModelOptimized.variants), kept so devices joining later get one too. */
@Entity
@Table(
        name = "deployment_variant",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "deployment_variant_uq",
                        columnNames = {"deployment_id", "variant_id"}))
public class DeploymentVariantEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "deployment_id", nullable = false)
    public String deploymentId;

    @Column(name = "variant_id", nullable = false)
    public String variantId;

    public String target;

    @Column(nullable = false)
    public String format;

    @Column(name = "artifact_sha256", nullable = false, length = 64)
    public String artifactSha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    /** Estimated RAM need, -1 = unknown. */
    @Column(name = "ram_bytes", nullable = false)
    public long ramBytes;

    /** Estimated flash need, -1 = unknown. */
    @Column(name = "flash_bytes", nullable = false)
    public long flashBytes;

    @Column(nullable = false)
    public double accuracy;

    @Column(nullable = false)
    public boolean recommended;

    @Column(length = 200)
    public String signature;

    @Column(name = "signing_key_id")
    public String signingKeyId;

    /** The variant's ModelSignature (serialized protobuf), or null when the event carried none. */
    @Column(name = "signature_spec")
    public byte[] signatureSpec;
}
