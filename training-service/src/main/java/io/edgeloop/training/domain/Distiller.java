package io.edgeloop.training.domain;

import java.util.List;

/**
 * Knowledge distillation: trains a teacher, then the same student spec twice on the same data and seed, once from the
 * teacher's soft labels (temperature {@code T}, weight {@code alpha}) and once from the hard labels alone, and
 * reports the three side by side. Plain class, usable without CDI; not thread-safe.
 */
public final class Distiller {
    private final ModelSpec teacherSpec;
    private final ModelSpec studentSpec;
    private final double temperature;
    private final double alpha;

    /**
     * Outcome of one distillation.
     *
     * @param teacher the teacher
     * @param distilled the student trained from soft labels
     * @param baseline the same student trained alone (hard labels)
     * @param temperature softmax temperature of the soft labels
     * @param alpha weight of the soft-label loss
     */
    public record Result(
            ModelSummary teacher, ModelSummary distilled, ModelSummary baseline, double temperature, double alpha) {

        /** Test accuracy of the distilled student minus that of the student trained alone. */
        public double accuracyGain() {
            return distilled.test().accuracy() - baseline.test().accuracy();
        }

        /** Student parameters / teacher parameters. */
        public double sizeRatio() {
            return (double) distilled.parameterCount() / teacher.parameterCount();
        }
    }

    /**
     * @param teacherSpec the teacher's spec
     * @param studentSpec the student's spec (usually smaller)
     * @param temperature T > 0
     * @param alpha soft-label weight in [0, 1]
     */
    public Distiller(ModelSpec teacherSpec, ModelSpec studentSpec, double temperature, double alpha) {
        if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("temperature must be > 0 and alpha in [0, 1]");
        }
        this.teacherSpec = teacherSpec;
        this.studentSpec = studentSpec;
        this.temperature = temperature;
        this.alpha = alpha;
    }

    /**
     * Runs the three trainings on {@code data}.
     *
     * @param kind what the samples are
     * @param declaredShape the dataset's sample shape (empty = flat)
     * @param listener told about every epoch of the three trainings, in order
     */
    public Result run(TrainingData data, DataKind kind, List<Integer> declaredShape, EpochListener listener) {
        List<String> problems = data.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("snapshot cannot be trained on: " + String.join("; ", problems));
        }
        InputLayout teacherLayout =
                InputLayout.resolve(kind, declaredShape, data.featureCount(), teacherSpec.architecture());
        InputLayout studentLayout =
                InputLayout.resolve(kind, declaredShape, data.featureCount(), studentSpec.architecture());
        ModelSummary teacher;
        float[][] logits;
        try (TrainedModel t = new ClassifierTrainer(teacherSpec, teacherLayout, data.classLabels())
                .onEpoch(listener)
                .train(data)) {
            teacher = ModelSummary.of(t);
            logits = t.logits(data.train().features());
        }
        ModelSummary distilled;
        try (TrainedModel s = new ClassifierTrainer(studentSpec, studentLayout, data.classLabels())
                .onEpoch(listener)
                .distillFrom(logits, temperature, alpha)
                .train(data)) {
            distilled = ModelSummary.of(s);
        }
        ModelSummary baseline;
        try (TrainedModel s = new ClassifierTrainer(studentSpec, studentLayout, data.classLabels())
                .onEpoch(listener)
                .train(data)) {
            baseline = ModelSummary.of(s);
        }
        return new Result(teacher, distilled, baseline, temperature, alpha);
    }
}
