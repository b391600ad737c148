package io.edgeloop.compiler.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.common.ClassScores;
import io.edgeloop.common.events.DeployedPhases;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.grpc.DatasetGateway;
import io.edgeloop.compiler.grpc.RegistryGateway;
import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.JobHandler;
import io.edgeloop.kit.jobs.PermanentJobFailure;
import io.edgeloop.proto.data.v1.CapturedPage;
import io.edgeloop.proto.data.v1.CapturedSample;
import io.edgeloop.proto.data.v1.RescoreRequest;
import io.edgeloop.proto.data.v1.RescoreResult;
import io.edgeloop.proto.data.v1.Rescored;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import io.edgeloop.proto.registry.v1.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Active learning: after a rollout completes or is rolled back, the inputs devices captured for the model that still
 * wait for a label are scored by the registry's {@code production} version, and its predictions become their
 * suggestions (data-service's SuggestionService), so a person confirms what the model now in production thinks, not
 * what the version that captured the input thought. A durable job per Deployed event ({@value #JOB_KIND}).
 *
 * <p>The registry moves the alias on the same events, in its own consumer: while the alias does not reflect the event
 * yet (a completed version newer than the alias, a rolled-back version still under it) the attempt fails and the job
 * retries with backoff; the last attempt goes ahead with the alias as it is (the completed version when there is
 * none). Re-scoring pages through the samples the version has not scored yet, so a job that dies half-way resumes
 * where it stopped. A version that is not a classifier, or whose outputs do not fit the data set, re-scores nothing
 * and says why in the log.
 */
@ApplicationScoped
public class SuggestionRescorer implements JobHandler {
    /** The job kind. */
    public static final String JOB_KIND = "rescore";

    private static final Logger LOG = Logger.getLogger(SuggestionRescorer.class);

    @Inject
    CompilerConfig config;

    @Inject
    RegistryGateway registry;

    @Inject
    DatasetGateway datasets;

    @Inject
    ScoringEvaluator evaluator;

    @Override
    public String kind() {
        return JOB_KIND;
    }

    /** Whether {@code event} asks for a re-scoring: a completed or rolled-back rollout. */
    public static boolean triggers(Deployed event) {
        DeployedPhase phase = DeployedPhases.of(event);
        return phase == DeployedPhase.DEPLOYED_PHASE_COMPLETED || phase == DeployedPhase.DEPLOYED_PHASE_ROLLED_BACK;
    }

    /** What one job did: the version that scored, and how many suggestions it replaced. */
    public record Outcome(String dataset, int version, int updated, int skipped) {}

    @Override
    public void run(Job job) throws Exception {
        Deployed event;
        try {
            event = Deployed.parseFrom(job.payload());
        } catch (InvalidProtocolBufferException e) {
            throw new PermanentJobFailure("job " + job.key() + " holds no Deployed event", e);
        }
        Optional<ModelVersion> production = production(event, job.isLastAttempt());
        if (production.isEmpty()) {
            LOG.infof("rescore %s: %s has no production version: suggestions kept", job.key(), event.getModelName());
            return;
        }
        Outcome o = rescore(production.get());
        LOG.infof(
                "rescore %s: %d suggestions of %s replaced by %s v%d's predictions (%d skipped)",
                job.key(), o.updated(), o.dataset(), event.getModelName(), o.version(), o.skipped());
    }

    /**
     * The version to score with: the registry's production alias once it reflects {@code event}; on the last
     * attempt, the alias as it is (a completed version when there is no alias).
     */
    private Optional<ModelVersion> production(Deployed event, boolean lastAttempt) {
        String model = event.getModelName();
        Optional<ModelVersion> alias = registry.alias(model, PromotionEvaluator.PRODUCTION);
        int v = event.getModelVersion();
        boolean completed = DeployedPhases.of(event) == DeployedPhase.DEPLOYED_PHASE_COMPLETED;
        boolean reflected = completed
                ? alias.isPresent() && alias.get().getVersion() >= v
                : alias.isEmpty() || alias.get().getVersion() != v;
        if (reflected) {
            return alias;
        }
        if (!lastAttempt) {
            throw new IllegalStateException("the registry's production alias of " + model + " does not reflect the "
                    + (completed ? "completion" : "rollback") + " of v" + v + " yet");
        }
        if (completed && alias.isEmpty()) {
            return Optional.of(registry.getVersion(model, v));
        }
        return alias.filter(a -> completed || a.getVersion() != v);
    }

    /** Scores the captured inputs of {@code version}'s model not scored by it yet, page by page. */
    Outcome rescore(ModelVersion version) throws IOException {
        String model = version.getModelName();
        String dataset = version.getLineage().getDatasetName();
        if (dataset.isBlank()) {
            throw new PermanentJobFailure(model + " v" + version.getVersion() + " names no data set in its lineage");
        }
        if (version.getClassLabelsCount() == 0) {
            LOG.infof(
                    "%s v%d is not a classifier: captured inputs keep their suggestions", model, version.getVersion());
            return new Outcome(dataset, version.getVersion(), 0, 0);
        }
        Path root = Files.createDirectories(CompilationService.workRoot(config));
        Path dir = Files.createTempDirectory(root, "rescore-");
        try {
            Path file = dir.resolve("production.onnx");
            registry.download(version.getArtifactSha256(), file);
            int updated = 0;
            int skipped = 0;
            String after = "";
            do {
                CapturedPage page = datasets.captured(
                        dataset,
                        model,
                        version.getVersion(),
                        after,
                        config.rescoring().pageSize());
                if (page.getSamplesCount() > 0) {
                    RescoreResult r = datasets.rescore(score(version, file, dataset, page.getSamplesList()));
                    updated += r.getUpdated();
                    skipped += r.getSkipped();
                }
                after = page.getNextSampleId();
            } while (!after.isEmpty());
            return new Outcome(dataset, version.getVersion(), updated, skipped);
        } finally {
            CompilationService.deleteTree(dir);
        }
    }

    private RescoreRequest score(ModelVersion version, Path file, String dataset, List<CapturedSample> samples) {
        int width = samples.get(0).getFeaturesCount();
        float[][] rows = new float[samples.size()][];
        for (int i = 0; i < rows.length; i++) {
            CapturedSample s = samples.get(i);
            if (s.getFeaturesCount() != width) {
                throw new PermanentJobFailure("captured sample " + s.getSampleId() + " of " + dataset + " has "
                        + s.getFeaturesCount() + " values, the others " + width);
            }
            rows[i] = new float[width];
            for (int j = 0; j < width; j++) {
                rows[i][j] = s.getFeatures(j);
            }
        }
        List<String> labels = version.getClassLabelsList();
        ModelEvaluation e;
        try {
            e = evaluator.evaluate(
                    file,
                    new ValidationSet(rows, new int[rows.length]),
                    ModelIo.fromTags(version.getTagsMap()),
                    labels.size());
        } catch (CompilationFailure ex) {
            throw new PermanentJobFailure(
                    version.getModelName() + " v" + version.getVersion() + " cannot score the captured inputs of "
                            + dataset + ": " + ex.getMessage(),
                    ex);
        }
        if (!e.classification() || e.classCount() != labels.size()) {
            throw new PermanentJobFailure(version.getModelName() + " v" + version.getVersion() + " gives "
                    + e.classCount() + " scores per input for " + labels.size() + " class labels");
        }
        RescoreRequest.Builder request = RescoreRequest.newBuilder()
                .setDatasetName(dataset)
                .setModelName(version.getModelName())
                .setModelVersion(version.getVersion());
        for (int i = 0; i < rows.length; i++) {
            float[] p = ClassScores.toProbabilities(e.outputs()[i]);
            int best = e.predictions()[i]; // the evaluator's argmax of the scores (softmax keeps it)
            request.addPredictions(Rescored.newBuilder()
                    .setSampleId(samples.get(i).getSampleId())
                    .setPredictedLabel(labels.get(best))
                    .setConfidence(Math.min(1f, Math.max(0f, p[best]))));
        }
        return request.build();
    }
}
