package io.edgeloop.training.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.config.TrainingConfig;
import io.edgeloop.training.grpc.DatasetClient;
import io.edgeloop.training.impulse.ImpulseConfig;
import io.edgeloop.training.persistence.Experiment;
import io.edgeloop.training.persistence.TrainingRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs distillations and architecture searches on the trainer thread (queued behind training runs: one training at a
 * time) and records them as {@link Experiment}s. They produce reports only: nothing is registered or emitted.
 */
@ApplicationScoped
public class ExperimentService {
    private static final Logger LOG = Logger.getLogger(ExperimentService.class);

    @Inject
    TrainingPipeline pipeline;

    @Inject
    DatasetClient datasets;

    @Inject
    TrainingConfig config;

    @Inject
    ObjectMapper json;

    /**
     * A distillation request.
     *
     * @param teacher teacher spec (unset fields = defaults for the data kind)
     * @param student student spec (unset units = {@link Distiller#defaultStudentUnits} of the teacher's; no impulse =
     *     the teacher's, see {@link #studentOf})
     * @param temperature soft-label temperature (> 0)
     * @param alpha soft-label weight in [0, 1]
     * @param dataKind null = the dataset's (from data-service)
     * @param sampleShape null = the dataset's
     */
    public record DistillationRequest(
            TrainingSpec teacher,
            TrainingSpec student,
            double temperature,
            double alpha,
            String dataKind,
            List<Integer> sampleShape) {}

    /**
     * The student's spec of a distillation: the request's, with the teacher's impulse when it names none (the student
     * that ships takes the same raw windows through the same processing block). A student with an impulse of its own
     * keeps it (both models see the same raw samples; the teacher's soft labels are per sample); {@code block: raw}
     * trains it on the raw samples.
     */
    public static TrainingSpec studentOf(TrainingSpec teacher, TrainingSpec student) {
        if (student.hasImpulse() || !teacher.hasImpulse()) {
            return student;
        }
        return student.toBuilder().setImpulse(teacher.getImpulse()).build();
    }

    /**
     * A search request.
     *
     * @param profile the device profile to fit
     * @param base spec of the candidates (architecture, optimizer, seed...; units are searched)
     * @param dataKind null = the dataset's (from data-service)
     * @param sampleShape null = the dataset's
     */
    public record SearchRequest(DeviceProfile profile, TrainingSpec base, String dataKind, List<Integer> sampleShape) {}

    void onStart(@Observes StartupEvent event) {
        Instant boot = Instant.now();
        QuarkusTransaction.requiringNew()
                .run(() -> Experiment.update(
                        "status = ?1, failureReason = ?2, finishedAt = ?3 where status in ?4 and queuedAt < ?5",
                        TrainingRun.Status.FAILED,
                        "the service stopped before the experiment finished",
                        boot,
                        List.of(TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING),
                        boot));
    }

    /**
     * Queues a distillation.
     *
     * @param requestJson the validated request, stored with the experiment
     * @param requestedBy who queued it (the authenticated caller's subject)
     * @throws io.edgeloop.training.grpc.SnapshotNotFoundException when data-service does not know the snapshot
     * @throws InvalidSpecException when a spec cannot fit the snapshot's samples
     */
    public Experiment submitDistillation(
            String datasetName, int datasetVersion, DistillationRequest r, String requestJson, String requestedBy) {
        SnapshotInfo info = datasets.snapshot(datasetName, datasetVersion);
        TrainingPipeline.DeclaredLayout layout = layout(info, r.dataKind(), r.sampleShape());
        // an impulse without a rate takes the snapshot's; both specs must fit the data set's samples
        TrainingSpec teacherRequest = ImpulseConfig.withRateIfMissing(r.teacher(), info.getSampleRateHz());
        TrainingSpec studentWithRate = ImpulseConfig.withRateIfMissing(r.student(), info.getSampleRateHz());
        List<FieldProblem> unfit = new ArrayList<>(fit(teacherRequest, layout, info, "teacher."));
        unfit.addAll(fit(studentWithRate, layout, info, "student."));
        if (!unfit.isEmpty()) {
            throw new InvalidSpecException(unfit);
        }
        return submit(Experiment.Kind.DISTILLATION, info, requestJson, requestedBy, epochs -> {
            DataKind kind = DataKind.parse(layout.dataKind());
            ModelSpec teacher = ModelSpec.resolve(teacherRequest, kind, pipeline.defaults());
            TrainingSpec studentRequest = studentWithRate;
            if (studentRequest.getArchitecture().isBlank()) {
                studentRequest = studentRequest.toBuilder()
                        .setArchitecture(teacher.architecture().wireName())
                        .build();
            }
            if (studentRequest.getHiddenUnitsCount() == 0) {
                studentRequest = studentRequest.toBuilder()
                        .addAllHiddenUnits(Distiller.defaultStudentUnits(teacher.units()))
                        .build();
            }
            ModelSpec student = ModelSpec.resolve(studentRequest, kind, pipeline.defaults());
            TrainingData data = datasets.fetch(info);
            Distiller.Result result = new Distiller(teacher, student, r.temperature(), r.alpha())
                    .run(data, kind, layout.sampleShape(), stats -> epochs.incrementAndGet());
            return Reports.DistillationReport.of(result, data.classLabels());
        });
    }

    /**
     * Queues an architecture search.
     *
     * @param requestJson the validated request, stored with the experiment
     * @param requestedBy who queued it (the authenticated caller's subject)
     * @throws io.edgeloop.training.grpc.SnapshotNotFoundException when data-service does not know the snapshot
     * @throws InvalidSpecException when the base spec cannot fit the snapshot's samples, or its processing block
     *     alone exceeds the profile
     */
    public Experiment submitSearch(
            String datasetName, int datasetVersion, SearchRequest r, String requestJson, String requestedBy) {
        SnapshotInfo info = datasets.snapshot(datasetName, datasetVersion);
        TrainingPipeline.DeclaredLayout layout = layout(info, r.dataKind(), r.sampleShape());
        TrainingSpec baseRequest = ImpulseConfig.withRateIfMissing(r.base(), info.getSampleRateHz());
        List<FieldProblem> unfit = new ArrayList<>(fit(baseRequest, layout, info, "spec."));
        if (unfit.isEmpty()) { // no candidate can fit behind a processing block that alone exceeds the profile
            unfit.addAll(SpecFit.profileProblems(
                    baseRequest, r.profile(), layout.sampleShape(), info.getFeatureCount(), "targetProfile"));
        }
        if (!unfit.isEmpty()) {
            throw new InvalidSpecException(unfit);
        }
        return submit(Experiment.Kind.SEARCH, info, requestJson, requestedBy, epochs -> {
            DataKind kind = DataKind.parse(layout.dataKind());
            ModelSpec resolved = ModelSpec.resolve(baseRequest, kind, pipeline.defaults());
            ModelSpec base = r.base().getMaxEpochs() > 0
                    ? resolved
                    : resolved.withEpochs(config.searchMaxEpochs(), Math.min(resolved.patience(), 3));
            TrainingData data = datasets.fetch(info);
            ArchitectureSearch.Result result = new ArchitectureSearch(base, r.profile(), config.searchLatencyRuns())
                    .run(data, kind, layout.sampleShape(), stats -> epochs.incrementAndGet());
            return Reports.SearchReport.of(result, data.classLabels());
        });
    }

    /** What keeps a requested spec of an experiment from training on the snapshot's samples (see {@link SpecFit}). */
    private static List<FieldProblem> fit(
            TrainingSpec requested, TrainingPipeline.DeclaredLayout layout, SnapshotInfo info, String prefix) {
        return SpecFit.problems(requested, layout.dataKind(), layout.sampleShape(), info.getFeatureCount(), prefix);
    }

    private TrainingPipeline.DeclaredLayout layout(SnapshotInfo info, String dataKind, List<Integer> shape) {
        if (dataKind != null) {
            return new TrainingPipeline.DeclaredLayout(dataKind, shape == null ? List.of() : shape);
        }
        TrainingPipeline.DeclaredLayout declared = pipeline.layoutOf(info);
        return shape == null ? declared : new TrainingPipeline.DeclaredLayout(declared.dataKind(), shape);
    }

    /** The work of an experiment: returns its report; counts epochs as they finish. */
    @FunctionalInterface
    interface Work {
        Object run(AtomicInteger epochs);
    }

    private Experiment submit(
            Experiment.Kind kind, SnapshotInfo info, String requestJson, String requestedBy, Work work) {
        String id = UUID.randomUUID().toString();
        Experiment queued = QuarkusTransaction.requiringNew().call(() -> {
            Experiment e = new Experiment();
            e.id = id;
            e.kind = kind;
            e.status = TrainingRun.Status.QUEUED;
            e.datasetName = info.getDatasetName();
            e.datasetVersion = info.getVersion();
            e.snapshotId = info.getSnapshotId();
            e.request = requestJson;
            e.requestedBy = requestedBy;
            e.queuedAt = Instant.now();
            e.persist();
            return e;
        });
        pipeline.enqueue(() -> {
            execute(id, work);
            return null;
        });
        return queued;
    }

    private void execute(String id, Work work) {
        QuarkusTransaction.requiringNew().run(() -> {
            Experiment e = Experiment.findById(id);
            e.status = TrainingRun.Status.RUNNING;
            e.startedAt = Instant.now();
        });
        AtomicInteger epochs = new AtomicInteger();
        try {
            String result = json.writeValueAsString(work.run(epochs));
            QuarkusTransaction.requiringNew().run(() -> {
                Experiment e = Experiment.findById(id);
                e.status = TrainingRun.Status.SUCCEEDED;
                e.result = result;
                e.epochsDone = epochs.get();
                e.finishedAt = Instant.now();
            });
        } catch (RuntimeException | JsonProcessingException | Error e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String reason = message.length() > 2000 ? message.substring(0, 2000) : message;
            LOG.errorf(e, "experiment %s failed", id);
            QuarkusTransaction.requiringNew().run(() -> {
                Experiment x = Experiment.findById(id);
                x.status = TrainingRun.Status.FAILED;
                x.failureReason = reason;
                x.epochsDone = epochs.get();
                x.finishedAt = Instant.now();
            });
        }
    }
}
