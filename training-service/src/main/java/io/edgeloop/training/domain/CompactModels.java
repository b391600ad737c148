package io.edgeloop.training.domain;

import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.config.TrainingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Runs that aim at a small model: a quick architecture search for a target device profile, and knowledge
 * distillation of the spec's model into a student.
 */
@ApplicationScoped
public class CompactModels {
    private static final Logger LOG = Logger.getLogger(CompactModels.class);

    @Inject
    TrainingConfig config;

    /**
     * Knowledge distillation inside a run: trains {@code teacher} (the spec), the student alone and the distilled
     * student, and returns them with the distilled student open. Student units: the spec's {@code
     * studentHiddenUnits}, else the search's choice for its target profile, else the teacher's / 4.
     */
    Distiller.Trained distill(
            TrainingPipeline.RunRequest job,
            ModelSpec teacher,
            TrainingData data,
            DataKind kind,
            Distiller.PhaseListener listener) {
        TrainingSpec s = job.spec();
        List<Integer> units;
        if (s.getStudentHiddenUnitsCount() > 0) {
            if (!s.getTargetProfile().isBlank()) {
                DeviceProfile.parse(s.getTargetProfile()); // no search for given units, but no unknown profile
            }
            units = s.getStudentHiddenUnitsList();
        } else if (!s.getTargetProfile().isBlank()) {
            units = searchUnits(job, teacher, data, kind);
        } else {
            units = Distiller.defaultStudentUnits(teacher.units());
        }
        ModelSpec student = teacher.withLayers(teacher.architecture(), units);
        double alpha = s.getDistillationAlpha() > 0 ? s.getDistillationAlpha() : Distiller.DEFAULT_ALPHA;
        LOG.infof(
                "run %s: distilling %s %s into %s (T=%s, alpha=%s)",
                job.runId(),
                teacher.architecture().wireName(),
                teacher.units(),
                units,
                s.getDistillationTemperature(),
                alpha);
        return new Distiller(teacher, student, s.getDistillationTemperature(), alpha)
                .train(data, kind, job.sampleShape(), listener);
    }

    /** The units of the best candidate of a quick architecture search for the spec's target profile. */
    List<Integer> searchUnits(TrainingPipeline.RunRequest job, ModelSpec spec, TrainingData data, DataKind kind) {
        DeviceProfile profile = DeviceProfile.parse(job.spec().getTargetProfile());
        ModelSpec quick = spec.withEpochs(Math.min(spec.maxEpochs(), config.searchMaxEpochs()), spec.patience());
        ArchitectureSearch.Result r = new ArchitectureSearch(quick, profile, config.searchLatencyRuns())
                .run(data, kind, job.sampleShape(), stats -> {});
        if (r.best() < 0) {
            throw new IllegalArgumentException("no " + spec.architecture().wireName()
                    + " candidate fits target profile "
                    + profile.name() + ": "
                    + String.join(
                            " | ",
                            r.candidates().stream()
                                    .map(c -> c.units() + " " + c.estimate().reason())
                                    .toList()));
        }
        List<Integer> units = r.candidates().get(r.best()).units();
        LOG.infof("run %s: search for %s chose %s %s", job.runId(), profile.name(), spec.architecture(), units);
        return units;
    }
}
