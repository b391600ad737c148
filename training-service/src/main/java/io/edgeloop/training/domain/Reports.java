package io.edgeloop.training.domain;

import io.edgeloop.proto.events.v1.ClassMetrics;
import io.edgeloop.proto.events.v1.DistillationSummary;
import io.edgeloop.proto.events.v1.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** JSON-friendly (and event) forms of specs, metrics and experiment results. */
public final class Reports {
    private Reports() {}

    /**
     * A training spec with every default filled in.
     *
     * @param architecture mlp, cnn1d, cnn2d, gru or lstm
     * @param hiddenUnits widths or filters per block
     * @param maxEpochs epoch limit
     * @param batchSize mini-batch size
     * @param learningRate initial learning rate
     * @param optimizer adam or sgd
     * @param schedule cosine or constant
     * @param patience early-stopping patience (epochs without a lower validation loss)
     * @param seed seed
     * @param normalization standard, minmax or none
     * @param classWeights none, balanced, or the weights by label
     * @param impulse the processing block's settings (REST names, defaults filled); absent for {@code raw}
     * @param augmentation the train-split augmentation (REST names, the transforms that are on); absent for none
     */
    public record SpecReport(
            String architecture,
            List<Integer> hiddenUnits,
            int maxEpochs,
            int batchSize,
            double learningRate,
            String optimizer,
            String schedule,
            int patience,
            long seed,
            String normalization,
            Object classWeights,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Object impulse,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Object augmentation) {
        public static SpecReport of(ModelSpec s) {
            return new SpecReport(
                    s.architecture().wireName(),
                    s.units(),
                    s.maxEpochs(),
                    s.batchSize(),
                    s.learningRate(),
                    s.optimizer().name().toLowerCase(Locale.ROOT),
                    s.schedule().name().toLowerCase(Locale.ROOT),
                    s.patience(),
                    s.seed(),
                    s.normalization().wireName(),
                    switch (s.classWeights().mode()) {
                        case NONE -> "none";
                        case BALANCED -> "balanced";
                        case EXPLICIT ->
                            new java.util.TreeMap<>(s.classWeights().explicit());
                    },
                    s.impulse().processes() ? RequestedSpecs.impulse(s.impulse().toProto()) : null,
                    s.augmentation().augments()
                            ? RequestedSpecs.augmentation(s.augmentation().toProto())
                            : null);
        }
    }

    /**
     * Quality of one class.
     *
     * @param label class name
     * @param precision precision
     * @param recall recall
     * @param f1 F1
     * @param support samples of the class
     */
    public record ClassReport(String label, double precision, double recall, double f1, long support) {}

    /**
     * Metrics on one split.
     *
     * @param accuracy fraction correct
     * @param macroF1 mean per-class F1
     * @param loss mean cross-entropy
     * @param sampleCount samples evaluated
     * @param perClass per class, in label order
     * @param confusionMatrix [true class][predicted class] counts
     */
    public record MetricsReport(
            double accuracy,
            double macroF1,
            double loss,
            long sampleCount,
            List<ClassReport> perClass,
            long[][] confusionMatrix) {
        public static MetricsReport of(EvaluationMetrics m, List<String> labels) {
            List<ClassReport> perClass = new ArrayList<>();
            for (EvaluationMetrics.ClassStats c : m.perClass()) {
                perClass.add(
                        new ClassReport(labels.get(c.classIndex()), c.precision(), c.recall(), c.f1(), c.support()));
            }
            return new MetricsReport(m.accuracy(), m.macroF1(), m.loss(), m.sampleCount(), perClass, m.confusion());
        }
    }

    /** Event form of metrics (per class and confusion matrix included). */
    public static Metrics toProto(EvaluationMetrics m, List<String> labels) {
        Metrics.Builder b = Metrics.newBuilder()
                .setAccuracy(m.accuracy())
                .setMacroF1(m.macroF1())
                .setLoss(m.loss())
                .setSampleCount(m.sampleCount());
        for (EvaluationMetrics.ClassStats c : m.perClass()) {
            b.addPerClass(ClassMetrics.newBuilder()
                    .setLabel(labels.get(c.classIndex()))
                    .setPrecision(c.precision())
                    .setRecall(c.recall())
                    .setF1(c.f1())
                    .setSupport(c.support()));
        }
        for (long v : m.confusionRowMajor()) {
            b.addConfusionMatrix(v);
        }
        return b.build();
    }

    /**
     * A trained model in a report.
     *
     * @param architecture layer layout
     * @param spec spec trained with
     * @param parameterCount trainable values
     * @param parameterBytes float32 parameter memory
     * @param onnxBytes ONNX file size (float32)
     * @param macs multiply-accumulates per sample
     * @param validation validation metrics
     * @param test test metrics
     * @param epochs epochs run
     * @param bestEpoch epoch kept
     * @param trainingSeconds training wall time
     */
    public record ModelReport(
            String architecture,
            SpecReport spec,
            long parameterCount,
            long parameterBytes,
            long onnxBytes,
            long macs,
            MetricsReport validation,
            MetricsReport test,
            int epochs,
            int bestEpoch,
            double trainingSeconds) {
        public static ModelReport of(ModelSummary s, List<String> labels) {
            return new ModelReport(
                    s.architecture(),
                    SpecReport.of(s.spec()),
                    s.parameterCount(),
                    s.footprint().parameterBytes(),
                    s.onnxBytes(),
                    s.footprint().macs(),
                    MetricsReport.of(s.validation(), labels),
                    MetricsReport.of(s.test(), labels),
                    s.epochs(),
                    s.bestEpoch(),
                    s.trainingSeconds());
        }
    }

    /**
     * Result of a distillation.
     *
     * @param teacher the teacher
     * @param distilledStudent the student trained from the teacher's soft labels
     * @param baselineStudent the same student trained alone
     * @param temperature soft-label temperature
     * @param alpha soft-label weight
     * @param accuracyGain distilled minus baseline test accuracy
     * @param studentToTeacherParameterRatio student / teacher parameters
     */
    public record DistillationReport(
            ModelReport teacher,
            ModelReport distilledStudent,
            ModelReport baselineStudent,
            double temperature,
            double alpha,
            double accuracyGain,
            double studentToTeacherParameterRatio) {
        public static DistillationReport of(Distiller.Result r, List<String> labels) {
            return new DistillationReport(
                    ModelReport.of(r.teacher(), labels),
                    ModelReport.of(r.distilled(), labels),
                    ModelReport.of(r.baseline(), labels),
                    r.temperature(),
                    r.alpha(),
                    r.accuracyGain(),
                    r.sizeRatio());
        }
    }

    /**
     * How a training run's model was distilled (the run's own metrics are the distilled student's).
     *
     * @param temperature soft-label temperature
     * @param alpha soft-label weight
     * @param teacher the teacher (units in {@code spec.hiddenUnits})
     * @param studentAlone the student's spec trained on the labels alone
     * @param accuracyGain test accuracy of the distilled student minus that of the student alone
     * @param studentToTeacherParameterRatio student / teacher parameters
     */
    public record RunDistillationReport(
            double temperature,
            double alpha,
            ModelReport teacher,
            ModelReport studentAlone,
            double accuracyGain,
            double studentToTeacherParameterRatio) {
        public static RunDistillationReport of(Distiller.Trained d) {
            List<String> labels = d.student().classLabels();
            return new RunDistillationReport(
                    d.temperature(),
                    d.alpha(),
                    ModelReport.of(d.teacher(), labels),
                    ModelReport.of(d.baseline(), labels),
                    d.accuracyGain(),
                    (double) d.student().parameterCount() / d.teacher().parameterCount());
        }
    }

    /** Event form of a run's distillation. */
    public static DistillationSummary toProto(Distiller.Trained d) {
        List<String> labels = d.student().classLabels();
        return DistillationSummary.newBuilder()
                .setTemperature(d.temperature())
                .setAlpha(d.alpha())
                .setTeacherArchitecture(d.teacher().architecture())
                .addAllTeacherHiddenUnits(d.teacher().spec().units())
                .setTeacherParameterCount(d.teacher().parameterCount())
                .setTeacherTestMetrics(toProto(d.teacher().test(), labels))
                .setStudentAloneTestMetrics(toProto(d.baseline().test(), labels))
                .build();
    }

    /**
     * One candidate of a search.
     *
     * @param hiddenUnits widths or filters per block
     * @param model the trained candidate
     * @param estimate fit on the target profile
     * @param hostLatencyMicros measured median single-sample latency on this host (DJL, 1 thread)
     */
    public record CandidateReport(
            List<Integer> hiddenUnits, ModelReport model, DeviceProfile.Estimate estimate, double hostLatencyMicros) {}

    /**
     * Result of an architecture search.
     *
     * @param targetProfile profile searched for
     * @param ramLimitBytes the profile's RAM (null = unbounded)
     * @param flashLimitBytes the profile's flash (null = unbounded)
     * @param latencyBudgetMicros the profile's latency budget (null = none)
     * @param architecture architecture searched
     * @param candidates every candidate, in the order tried
     * @param bestIndex index of the best fitting candidate, null when none fits
     * @param best the best fitting candidate, null when none fits
     */
    public record SearchReport(
            String targetProfile,
            Long ramLimitBytes,
            Long flashLimitBytes,
            Double latencyBudgetMicros,
            String architecture,
            List<CandidateReport> candidates,
            Integer bestIndex,
            CandidateReport best) {
        public static SearchReport of(ArchitectureSearch.Result r, List<String> labels) {
            List<CandidateReport> cs = r.candidates().stream()
                    .map(c -> new CandidateReport(
                            c.units(), ModelReport.of(c.model(), labels), c.estimate(), c.hostLatencyMicros()))
                    .toList();
            DeviceProfile p = r.profile();
            return new SearchReport(
                    p.name(),
                    p.ramBytes() == Long.MAX_VALUE ? null : p.ramBytes(),
                    p.flashBytes() == Long.MAX_VALUE ? null : p.flashBytes(),
                    Double.isInfinite(p.latencyBudgetMicros()) ? null : p.latencyBudgetMicros(),
                    r.architecture().wireName(),
                    cs,
                    r.best() < 0 ? null : r.best(),
                    r.best() < 0 ? null : cs.get(r.best()));
        }
    }
}
