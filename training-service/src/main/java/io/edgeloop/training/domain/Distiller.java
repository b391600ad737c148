package io.edgeloop.training.domain;

import java.util.List;

/**
 * Knowledge distillation: trains a teacher, then the same student spec twice on the same data and seed, once from the
 * hard labels alone and once from the teacher's soft labels (temperature {@code T}, weight {@code alpha}), and
 * reports the three side by side. {@link #train} keeps the distilled student open (for export by a training run);
 * {@link #run} only reports. Plain class, usable without CDI; not thread-safe.
 */
public final class Distiller {
    /** Default weight of the soft-label loss. */
    public static final double DEFAULT_ALPHA = 0.7;

    private final ModelSpec teacherSpec;
    private final ModelSpec studentSpec;
    private final double temperature;
    private final double alpha;

    /** The three trainings, in the order they run. */
    public enum Phase {
        /** The teacher, from the labels. */
        TEACHER("teacher"),
        /** The student from the labels alone (the baseline). */
        STUDENT_ALONE("student-alone"),
        /** The student from the teacher's soft labels (the distilled student). */
        STUDENT("student");

        private final String wireName;

        Phase(String wireName) {
            this.wireName = wireName;
        }

        /** Name in progress events: {@code teacher}, {@code student-alone}, {@code student}. */
        public String wireName() {
            return wireName;
        }
    }

    /** Told about every finished epoch of the three trainings, with the training it belongs to. */
    @FunctionalInterface
    public interface PhaseListener {
        /** Called after the epoch's validation, on the training thread. */
        void onEpoch(Phase phase, EpochStats stats);

        /** As above, with the epoch's wall-clock time in seconds; by default the time is dropped. */
        default void onEpoch(Phase phase, EpochStats stats, double seconds) {
            onEpoch(phase, stats);
        }

        /** This listener as the trainer's listener of one phase (the epoch times passed on). */
        default EpochListener of(Phase phase) {
            return EpochListener.timed((stats, seconds) -> onEpoch(phase, stats, seconds));
        }
    }

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
     * The trainings of a distillation with the distilled student still live (its native memory included): export or
     * evaluate {@link #student()}, then close.
     */
    public static final class Trained implements AutoCloseable {
        private final ModelSummary teacher;
        private final ModelSummary baseline;
        private final TrainedModel student;
        private final double temperature;
        private final double alpha;

        Trained(ModelSummary teacher, ModelSummary baseline, TrainedModel student, double temperature, double alpha) {
            this.teacher = teacher;
            this.baseline = baseline;
            this.student = student;
            this.temperature = temperature;
            this.alpha = alpha;
        }

        /** The teacher (closed). */
        public ModelSummary teacher() {
            return teacher;
        }

        /** The student trained from the labels alone (closed). */
        public ModelSummary baseline() {
            return baseline;
        }

        /** The distilled student, open until this is closed. */
        public TrainedModel student() {
            return student;
        }

        public double temperature() {
            return temperature;
        }

        public double alpha() {
            return alpha;
        }

        /** Test accuracy of the distilled student minus that of the student trained alone. */
        public double accuracyGain() {
            return student.test().accuracy() - baseline.test().accuracy();
        }

        /** The report of the three (exports the student once to measure its ONNX size). */
        public Result result() {
            return new Result(teacher, ModelSummary.of(student), baseline, temperature, alpha);
        }

        @Override
        public void close() {
            student.close();
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

    /** The student's units when none are requested: every teacher width (or filter count) / 4, at least 2. */
    public static List<Integer> defaultStudentUnits(List<Integer> teacherUnits) {
        return teacherUnits.stream().map(u -> Math.max(2, u / 4)).toList();
    }

    /**
     * Runs the three trainings on {@code data} and reports them (every model closed).
     *
     * @param kind what the samples are
     * @param declaredShape the dataset's sample shape (empty = flat)
     * @param listener told about every epoch of the three trainings, in order
     */
    public Result run(TrainingData data, DataKind kind, List<Integer> declaredShape, EpochListener listener) {
        try (Trained t = train(data, kind, declaredShape, (phase, stats) -> listener.onEpoch(stats))) {
            return t.result();
        }
    }

    /**
     * Runs the three trainings on {@code data} (teacher, student alone, distilled student) and returns them with the
     * distilled student open: close the result.
     *
     * @param kind what the samples are
     * @param declaredShape the dataset's sample shape (empty = flat)
     * @param listener told about every epoch of the three trainings, in order, with their phase
     */
    public Trained train(TrainingData data, DataKind kind, List<Integer> declaredShape, PhaseListener listener) {
        List<String> problems = data.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("snapshot cannot be trained on: " + String.join("; ", problems));
        }
        // both see the raw samples: each through its own impulse (usually the same), the teacher's logits per sample
        ClassifierTrainer.forSamples(studentSpec, kind, declaredShape, data.featureCount(), data.classLabels());
        ModelSummary teacher;
        float[][] logits;
        try (TrainedModel t = trainer(teacherSpec, kind, declaredShape, data)
                .onEpoch(listener.of(Phase.TEACHER))
                .train(data)) {
            teacher = ModelSummary.of(t);
            logits = t.logits(data.train().features());
        }
        ModelSummary baseline;
        try (TrainedModel s = trainer(studentSpec, kind, declaredShape, data)
                .onEpoch(listener.of(Phase.STUDENT_ALONE))
                .train(data)) {
            baseline = ModelSummary.of(s);
        }
        // last, so that only one model is open at a time and the run's progress ends on the model it ships
        TrainedModel student = trainer(studentSpec, kind, declaredShape, data)
                .onEpoch(listener.of(Phase.STUDENT))
                .distillFrom(logits, temperature, alpha)
                .train(data);
        return new Trained(teacher, baseline, student, temperature, alpha);
    }

    /** A trainer of {@code spec} for the data set's samples (its processing block, if any, in front). */
    private static ClassifierTrainer trainer(
            ModelSpec spec, DataKind kind, List<Integer> declaredShape, TrainingData data) {
        return ClassifierTrainer.forSamples(spec, kind, declaredShape, data.featureCount(), data.classLabels());
    }
}
