package io.edgeloop.compiler.persistence;

import io.edgeloop.compiler.domain.CompilationStatus;
import io.edgeloop.proto.events.v1.PromotionEvidence;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One compilation of a model version: the float model's figures, the variants with their verdicts, the outcome. */
@Entity
@Table(
        name = "compilation",
        indexes = {@Index(name = "compilation_model_idx", columnList = "modelName, modelVersion")})
public class Compilation extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String modelName;

    public int modelVersion;
    public String snapshotId;
    /** sha256 of the float model. */
    public String sourceSha256;
    /** {@code event} (ModelTrained) or {@code api} (POST /compilations). */
    @Column(nullable = false)
    public String trigger;
    /** The ModelTrained event id, for event-triggered compilations. */
    public String causationEventId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public CompilationStatus status;

    @Column(length = 4000)
    public String failureReason;

    public Double floatAccuracy;
    public Double floatLatencyP50Us;
    public Double floatLatencyP99Us;
    public Long floatSizeBytes;
    public Integer floatGraphNodes;
    public Integer validationSamples;
    public double accuracyBudgetPoints;
    public String optimizationLevel;
    public String recommendedVariantId;
    /** Id of the ModelOptimized event this compilation emitted. */
    public String eventId;

    /** Promotion evidence: the held-out split ({@code test} or {@code validation}); null when not evaluated. */
    public String promotionSplit;

    public Long promotionSamples;
    public Double candidateAccuracy;
    /** The version in production when evaluated (0 = none). */
    public Integer championVersion;

    public Double championAccuracy;

    @Column(length = 2000)
    public String championNote;

    public Boolean promotionClassification;

    @Column(nullable = false)
    public Instant startedAt;

    public Instant finishedAt;

    @OneToMany(mappedBy = "compilation", cascade = CascadeType.ALL, orphanRemoval = true, fetch = FetchType.EAGER)
    @OrderBy("position")
    public List<CompiledVariant> variants = new ArrayList<>();

    /** Keeps the promotion evidence of the ModelOptimized event. */
    public void setPromotion(PromotionEvidence p) {
        promotionSplit = p.getSplit();
        promotionSamples = p.getSampleCount();
        candidateAccuracy = p.getCandidateAccuracy();
        championVersion = p.getChampionVersion();
        championAccuracy = p.getChampionAccuracy();
        String note = p.getChampionNote();
        championNote = note.isEmpty() ? null : note.length() > 2000 ? note.substring(0, 2000) : note;
        promotionClassification = p.getClassification();
    }

    /** Adds {@code v} as the next variant. */
    public void addVariant(CompiledVariant v) {
        v.compilation = this;
        v.position = variants.size();
        variants.add(v);
    }
}
