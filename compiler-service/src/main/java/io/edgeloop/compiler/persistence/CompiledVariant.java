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

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "compiled_variant_setting", joinColumns = @JoinColumn(name = "variant_id"))
    @MapKeyColumn(name = "name")
    @Column(name = "value", length = 500)
    public Map<String, String> settings = new LinkedHashMap<>();
}
