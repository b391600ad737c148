package io.edgeloop.compiler.domain;

import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.grpc.DatasetGateway;
import io.edgeloop.compiler.grpc.RegistryGateway;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.PromotionEvidence;
import io.edgeloop.proto.registry.v1.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Champion/challenger evidence for the deployment policy's promotion gate: the candidate's float model on the
 * snapshot's TEST split (the VALIDATION samples when it has none), and the version the registry's {@code production}
 * alias points at on the same samples, both evaluated by ONNX Runtime (at most {@code validation.max-samples}
 * samples, no latency runs). A champion that cannot be compared (other class labels or inputs, artifact unavailable,
 * alias unreadable) is named with a note and no accuracy.
 */
@ApplicationScoped
public class PromotionEvaluator {
    /** The registry alias of the version in production. */
    public static final String PRODUCTION = "production";

    private static final Logger LOG = Logger.getLogger(PromotionEvaluator.class);

    @Inject
    CompilerConfig config;

    @Inject
    RegistryGateway registry;

    @Inject
    DatasetGateway datasets;

    @Inject
    ScoringEvaluator evaluator;

    /** Held-out samples and the split they come from. */
    private record HeldOut(String split, ValidationSet data) {}

    /**
     * The evidence for {@code job}'s float model {@code candidate} (already loaded and judged by the engine);
     * empty when the candidate cannot be evaluated on the held-out samples.
     *
     * @param validation the samples to fall back on when the snapshot has no TEST split
     * @param dir scratch folder for the champion's artifact
     */
    public Optional<PromotionEvidence> evaluate(CompileJob job, Path candidate, ValidationSet validation, Path dir) {
        HeldOut held = heldOut(job, validation);
        ModelEvaluation c;
        try {
            c = evaluator.evaluate(candidate, held.data(), job.io(), job.classCount());
        } catch (CompilationFailure e) {
            LOG.warnf("no promotion evidence for %s v%d: %s", job.modelName(), job.modelVersion(), e.getMessage());
            return Optional.empty();
        }
        PromotionEvidence.Builder b = PromotionEvidence.newBuilder()
                .setSplit(held.split())
                .setSampleCount(held.data().size())
                .setCandidateAccuracy(c.classification() ? c.accuracy() : 0)
                .setClassification(c.classification());
        champion(job, c, held.data(), dir, b);
        return Optional.of(b.build());
    }

    private HeldOut heldOut(CompileJob job, ValidationSet validation) {
        try {
            return new HeldOut(
                    "test",
                    datasets.split(
                            job.datasetName(),
                            job.datasetVersion(),
                            Split.TEST,
                            config.validation().maxSamples()));
        } catch (CompilationFailure | PeerUnavailableException e) {
            LOG.infof(
                    "promotion evidence of %s v%d on the validation split: %s",
                    job.modelName(), job.modelVersion(), e.getMessage());
            return new HeldOut("validation", validation);
        }
    }

    private void champion(
            CompileJob job, ModelEvaluation candidate, ValidationSet data, Path dir, PromotionEvidence.Builder b) {
        Optional<ModelVersion> production;
        try {
            production = registry.alias(job.modelName(), PRODUCTION);
        } catch (CompilationFailure | PeerUnavailableException e) {
            b.setChampionNote("the registry's production alias cannot be read: " + e.getMessage());
            return;
        }
        if (production.isEmpty()) {
            return;
        }
        ModelVersion p = production.get();
        if (p.getVersion() == job.modelVersion()) {
            b.setChampionNote("the production alias already points at this version");
            return;
        }
        b.setChampionVersion(p.getVersion());
        String name = job.modelName() + " v" + p.getVersion();
        if (p.getClassLabelsCount() > 0
                && job.classCount() > 0
                && !p.getClassLabelsList().equals(job.classLabels())) {
            b.setChampionNote("not comparable: " + name + " has class labels " + p.getClassLabelsList()
                    + ", the candidate " + job.classLabels());
            return;
        }
        if (p.getArtifactSha256().isBlank()) {
            b.setChampionNote("not comparable: " + name + " has no artifact");
            return;
        }
        Path file = dir.resolve("champion-v" + p.getVersion() + ".onnx");
        try {
            registry.download(p.getArtifactSha256(), file);
        } catch (CompilationFailure | PeerUnavailableException e) {
            b.setChampionNote("not comparable: the artifact of " + name + " is unavailable: " + e.getMessage());
            return;
        }
        try {
            ModelEvaluation champion =
                    evaluator.evaluate(file, data, ModelIo.fromTags(p.getTagsMap()), p.getClassLabelsCount());
            if (!champion.classification() || !candidate.classification()) {
                b.setChampionNote("accuracy does not apply: the outputs of "
                        + (champion.classification() ? "the candidate" : name) + " are not class scores");
            } else if (champion.classCount() != candidate.classCount()) {
                b.setChampionNote("not comparable: " + name + " outputs " + champion.classCount()
                        + " classes, the candidate " + candidate.classCount());
            } else {
                b.setChampionAccuracy(champion.accuracy());
            }
        } catch (CompilationFailure e) {
            b.setChampionNote("not comparable: " + name + " does not run on these samples: " + e.getMessage());
        } finally {
            OnnxOptimizer.deleteQuietly(file);
        }
    }
}
