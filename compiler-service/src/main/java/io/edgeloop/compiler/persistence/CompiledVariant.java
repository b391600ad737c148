package io.edgeloop.compiler.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.util.LinkedHashMap;
import java.util.Map;

/** A variant of a compilation with its validation figures, verdict and, when accepted, its registry identity. */
@Entity
@Table(name = "compiled_variant")
public class CompiledVariant extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(optional = false)
    @JoinColumn(name = "compilation_id")
    public Compilation compilation;

    public int position;

    @Column(nullable = false)
    public String target;

    @Column(nullable = false)
    public String format;

    public boolean accepted;

    @Column(length = 2000)
    public String rejectionReason;

    /** The registry's variant id (accepted variants only). */
    public String variantId;

    public String artifactSha256;
    public long sizeBytes;
    public double accuracy;
    public double accuracyDelta;
    public double maxAbsDiff;
    public double argmaxAgreement;
    public double latencyP50Us;
    public double latencyP99Us;

    /** Target profile the variant is estimated against. */
    public String targetProfile;
    /** {@code none}, {@code int8-static-qdq}, {@code int8-dynamic} or {@code pruned}. */
    public String quantization;

    public Integer opset;
    /** Measured resident memory growth while loading and running the variant. */
    public Long peakMemoryBytes;
    /** Fraction of zero weights in the pruned layers. */
    public Double sparsity;

    /** Device estimate on the target profile (null when the variant could not be produced). */
    public Long estRamBytes;

    public Long estFlashBytes;
    public Long estMacs;
    public Double estLatencyUs;
    public Boolean estFits;

    @Column(length = 1000)
    public String estReason;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "compiled_variant_setting", joinColumns = @JoinColumn(name = "variant_id"))
    @MapKeyColumn(name = "name")
    @Column(name = "value", length = 500)
    public Map<String, String> settings = new LinkedHashMap<>();
}
