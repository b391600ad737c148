package io.edgeloop.training.domain;

import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.augment.AugmentationConfig;
import io.edgeloop.training.impulse.ImpulseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A complete, validated training specification (every default filled in).
 *
 * @param architecture network family
 * @param units hidden widths (MLP) or filters per conv block (CNN), at least one
 * @param maxEpochs upper bound on passes over the train split
 * @param batchSize samples per mini-batch
 * @param learningRate initial step size
 * @param optimizer {@code adam} or {@code sgd} (momentum 0.9)
 * @param schedule learning-rate schedule over the run's updates
 * @param patience epochs without a lower validation loss before training stops early
 * @param seed seeds weight initialization and batch shuffling
 * @param normalization input scaling fitted on the train split
 * @param classWeights loss weights per class
 * @param impulse processing block before the network ({@link ImpulseConfig#RAW} = none)
 * @param augmentation random transforms of the train samples per epoch ({@link AugmentationConfig#NONE} = none)
 */
public record ModelSpec(
        Architecture architecture,
        List<Integer> units,
        int maxEpochs,
        int batchSize,
        double learningRate,
        OptimizerKind optimizer,
        Schedule schedule,
        int patience,
        long seed,
        Normalization normalization,
        ClassWeights classWeights,
        ImpulseConfig impulse,
        AugmentationConfig augmentation) {
    /** Largest number of hidden layers / conv blocks accepted. */
    public static final int MAX_LAYERS = 6;
    /** Largest width / filter count accepted. */
    public static final int MAX_UNITS = 1024;
    /** Largest distillation temperature accepted (as for {@code POST /distillations}). */
    public static final double MAX_TEMPERATURE = 100;

    private static final String ONLY_WITH_TEMPERATURE = "only used with distillationTemperature > 0";

    /** Optimizers. */
    public enum OptimizerKind {
        ADAM,
        SGD
    }

    /** Learning-rate schedules. */
    public enum Schedule {
        /** The same rate for every update. */
        CONSTANT,
        /** Cosine decay from the initial rate to 1% of it over {@code maxEpochs} epochs. */
        COSINE
    }

    public ModelSpec {
        units = List.copyOf(units);
        if (architecture == null || optimizer == null || schedule == null) {
            throw new IllegalArgumentException("architecture, optimizer and schedule are required");
        }
        if (normalization == null || classWeights == null || impulse == null || augmentation == null) {
            throw new IllegalArgumentException("normalization, class weights, impulse and augmentation are required");
        }
        if (units.isEmpty() || units.size() > MAX_LAYERS || units.stream().anyMatch(u -> u < 1 || u > MAX_UNITS)) {
            throw new IllegalArgumentException("units must be 1-" + MAX_LAYERS + " values in [1, " + MAX_UNITS + "]");
        }
        if (maxEpochs < 1 || batchSize < 1 || patience < 1) {
            throw new IllegalArgumentException("epochs, batch size and patience must be positive");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number");
        }
    }

    /** A builder for a spec of this architecture and units; the other settings start at the service defaults. */
    public static Builder builder(Architecture architecture, List<Integer> units) {
        return new Builder(architecture, units);
    }

    /** A builder that starts from this spec. */
    public Builder toBuilder() {
        Builder b = new Builder(architecture, units);
        b.maxEpochs = maxEpochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.optimizer = optimizer;
        b.schedule = schedule;
        b.patience = patience;
        b.seed = seed;
        b.normalization = normalization;
        b.classWeights = classWeights;
        b.impulse = impulse;
        b.augmentation = augmentation;
        return b;
    }

    /** A copy with another architecture and units. */
    public ModelSpec withLayers(Architecture a, List<Integer> u) {
        return toBuilder().layers(a, u).build();
    }

    /** A copy with another epoch limit and patience. */
    public ModelSpec withEpochs(int epochs, int newPatience) {
        return toBuilder().epochs(epochs, newPatience).build();
    }

    /** A copy with another normalization and class weighting. */
    public ModelSpec withInputs(Normalization n, ClassWeights w) {
        return toBuilder().normalization(n).classWeights(w).build();
    }

    /**
     * Optional settings of a {@link ModelSpec}: 30 epochs with patience 5, batch 32, Adam at 0.01 with cosine decay,
     * seed 42, standard normalization and no class weights unless set. {@link #build} validates.
     */
    public static final class Builder {
        private Architecture architecture;
        private List<Integer> units;
        private int maxEpochs = 30;
        private int batchSize = 32;
        private double learningRate = 0.01;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private Schedule schedule = Schedule.COSINE;
        private int patience = 5;
        private long seed = 42;
        private Normalization normalization = Normalization.STANDARD;
        private ClassWeights classWeights = ClassWeights.NONE;
        private ImpulseConfig impulse = ImpulseConfig.RAW;
        private AugmentationConfig augmentation = AugmentationConfig.NONE;

        private Builder(Architecture architecture, List<Integer> units) {
            layers(architecture, units);
        }

        public Builder layers(Architecture a, List<Integer> u) {
            this.architecture = a;
            this.units = u;
            return this;
        }

        /** The epoch limit and the early-stopping patience. */
        public Builder epochs(int max, int patienceEpochs) {
            this.maxEpochs = max;
            this.patience = patienceEpochs;
            return this;
        }

        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        public Builder learningRate(double rate) {
            this.learningRate = rate;
            return this;
        }

        public Builder optimizer(OptimizerKind kind) {
            this.optimizer = kind;
            return this;
        }

        public Builder schedule(Schedule s) {
            this.schedule = s;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder normalization(Normalization n) {
            this.normalization = n;
            return this;
        }

        public Builder classWeights(ClassWeights w) {
            this.classWeights = w;
            return this;
        }

        /** The processing block run on raw windows before the network. */
        public Builder impulse(ImpulseConfig i) {
            this.impulse = i;
            return this;
        }

        /** Random transforms of the train samples, drawn anew every epoch. */
        public Builder augmentation(AugmentationConfig a) {
            this.augmentation = a;
            return this;
        }

        /** The spec; an {@link IllegalArgumentException} names what is out of range. */
        public ModelSpec build() {
            return new ModelSpec(
                    architecture,
                    units,
                    maxEpochs,
                    batchSize,
                    learningRate,
                    optimizer,
                    schedule,
                    patience,
                    seed,
                    normalization,
                    classWeights,
                    impulse,
                    augmentation);
        }
    }

    /** This spec as the event contract's message (defaults filled in). */
    public TrainingSpec toProto() {
        TrainingSpec.Builder b = TrainingSpec.newBuilder()
                .setArchitecture(architecture.wireName())
                .addAllHiddenUnits(units)
                .setMaxEpochs(maxEpochs)
                .setBatchSize(batchSize)
                .setLearningRate(learningRate)
                .setOptimizer(optimizer.name().toLowerCase(Locale.ROOT))
                .setPatience(patience)
                .setSeed(seed)
                .setNormalization(normalization.wireName())
                .setClassWeighting(classWeights.mode() == ClassWeights.Mode.BALANCED ? "balanced" : "")
                .putAllClassWeights(classWeights.explicit());
        if (impulse.processes()) {
            b.setImpulse(impulse.toProto());
        }
        if (augmentation.augments()) {
            b.setAugmentation(augmentation.toProto());
        }
        return b.build();
    }

    /**
     * Checks a requested spec; every unset field is fine (the default applies).
     *
     * @param prefix field-name prefix of the problems, e.g. {@code spec.}
     */
    public static List<FieldProblem> problems(TrainingSpec s, String prefix) {
        List<FieldProblem> out = new ArrayList<>();
        try {
            Architecture.parseOrAuto(s.getArchitecture());
        } catch (IllegalArgumentException e) {
            out.add(new FieldProblem(prefix + "architecture", e.getMessage()));
        }
        unitProblems(s.getHiddenUnitsList(), prefix + "hiddenUnits", out);
        if (s.getMaxEpochs() < 0 || s.getMaxEpochs() > 1000) {
            out.add(new FieldProblem(prefix + "maxEpochs", "must be 1-1000 (0 = default)"));
        }
        if (s.getBatchSize() < 0 || s.getBatchSize() > 4096) {
            out.add(new FieldProblem(prefix + "batchSize", "must be 1-4096 (0 = default)"));
        }
        if (!Double.isFinite(s.getLearningRate()) || s.getLearningRate() < 0 || s.getLearningRate() > 10) {
            out.add(new FieldProblem(prefix + "learningRate", "must be in (0, 10] (0 = default)"));
        }
        if (!s.getOptimizer().isBlank()) {
            try {
                OptimizerKind.valueOf(s.getOptimizer().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                out.add(new FieldProblem(prefix + "optimizer", "must be adam or sgd"));
            }
        }
        if (s.getPatience() < 0 || s.getPatience() > 1000) {
            out.add(new FieldProblem(prefix + "patience", "must be 1-1000 (0 = default)"));
        }
        try {
            Normalization.parse(s.getNormalization());
        } catch (IllegalArgumentException e) {
            out.add(new FieldProblem(prefix + "normalization", e.getMessage()));
        }
        classWeightProblems(s, prefix + "classWeights", out);
        if (s.hasImpulse()) {
            impulseProblems(s, prefix, out);
        }
        if (s.hasAugmentation()) {
            List<FieldProblem> augmentation =
                    AugmentationConfig.problems(s.getAugmentation(), prefix + "augmentation.");
            out.addAll(augmentation);
            if (augmentation.isEmpty()) {
                out.addAll(io.edgeloop.training.augment.FeatureMasks.impulseProblems(
                        s.getAugmentation(), s.hasImpulse() ? s.getImpulse() : null, prefix + "augmentation."));
            }
        }
        double temperature = s.getDistillationTemperature();
        if (!Double.isFinite(temperature) || temperature < 0 || temperature > MAX_TEMPERATURE) {
            out.add(new FieldProblem(
                    prefix + "distillationTemperature",
                    "must be in (0, " + (int) MAX_TEMPERATURE + "] (0 = no distillation)"));
        }
        int before = out.size();
        unitProblems(s.getStudentHiddenUnitsList(), prefix + "studentHiddenUnits", out);
        boolean studentUnitsOk = out.size() == before;
        double alpha = s.getDistillationAlpha();
        boolean alphaOk = Double.isFinite(alpha) && alpha >= 0 && alpha <= 1;
        if (!alphaOk) {
            out.add(new FieldProblem(prefix + "distillationAlpha", "must be in [0, 1] (0 = default 0.7)"));
        }
        if (temperature == 0) {
            if (studentUnitsOk && s.getStudentHiddenUnitsCount() > 0) {
                out.add(new FieldProblem(prefix + "studentHiddenUnits", ONLY_WITH_TEMPERATURE));
            }
            if (alphaOk && alpha != 0) {
                out.add(new FieldProblem(prefix + "distillationAlpha", ONLY_WITH_TEMPERATURE));
            }
        }
        return out;
    }

    /**
     * Whether an architecture the spec names can take the data set's samples (checked at submission, so that a
     * recurrent or convolutional network on samples of the wrong rank is a field error rather than a failed run).
     * Nothing to say when the spec has other problems, names no architecture, puts a processing block in front (the
     * block's features decide), or the shape contradicts the feature count (the run itself reports that).
     *
     * @param kind the data kind's wire name (blank = features)
     * @param shape the sample shape, empty = flat
     */
    public static List<FieldProblem> shapeProblems(
            TrainingSpec s, String kind, List<Integer> shape, int featureCount, String prefix) {
        if (!problems(s, prefix).isEmpty()
                || (s.hasImpulse()
                        && ImpulseConfig.Block.parse(s.getImpulse().getBlock()) != ImpulseConfig.Block.RAW)) {
            return List.of();
        }
        Architecture arch = Architecture.parseOrAuto(s.getArchitecture());
        int product = shape.stream().reduce(1, (a, b) -> a * b);
        if (arch == null || shape.isEmpty() || product != featureCount) {
            return List.of();
        }
        DataKind dataKind;
        try {
            dataKind = DataKind.parse(kind);
        } catch (IllegalArgumentException e) {
            return List.of(); // the run reports the data kind
        }
        try {
            InputLayout.resolve(dataKind, shape, featureCount, arch);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(new FieldProblem(prefix + "architecture", e.getMessage()));
        }
    }

    /**
     * The impulse's own fields, and the architectures that cannot follow its block (a distillation's student and an
     * architecture search's candidates run behind the same block, so both combine with any impulse).
     */
    private static void impulseProblems(TrainingSpec s, String prefix, List<FieldProblem> out) {
        List<FieldProblem> own = ImpulseConfig.problems(s.getImpulse(), prefix + "impulse.");
        out.addAll(own);
        if (!own.isEmpty() || ImpulseConfig.Block.parse(s.getImpulse().getBlock()) == ImpulseConfig.Block.RAW) {
            return;
        }
        Architecture arch;
        try {
            arch = Architecture.parseOrAuto(s.getArchitecture());
        } catch (IllegalArgumentException e) {
            return; // reported with the architecture
        }
        boolean image = ImpulseConfig.Block.parse(s.getImpulse().getBlock()) == ImpulseConfig.Block.IMAGE;
        if (image && (arch == Architecture.CNN1D || (arch != null && arch.recurrent()))) {
            out.add(new FieldProblem(
                    prefix + "architecture", arch.wireName() + " cannot follow an image block; use cnn2d or mlp"));
        } else if (!image && arch == Architecture.CNN2D) {
            out.add(new FieldProblem(
                    prefix + "architecture", "cnn2d cannot follow a signal block; use mlp, cnn1d, gru or lstm"));
        }
    }

    /** {@code classWeights}: {@code none}, {@code balanced} or up to 1000 labels with weights in (0, 1000]. */
    private static void classWeightProblems(TrainingSpec s, String field, List<FieldProblem> out) {
        if (s.getClassWeightsCount() > 1000) {
            out.add(new FieldProblem(field, "at most 1000 labels"));
            return;
        }
        for (var e : new java.util.TreeMap<>(s.getClassWeightsMap()).entrySet()) {
            double w = e.getValue();
            if (!(w > 0) || w > ClassWeights.MAX_WEIGHT) {
                String label = e.getKey().length() > 64 ? e.getKey().substring(0, 64) + "..." : e.getKey();
                out.add(new FieldProblem(
                        field + "." + label, "must be a weight in (0, " + (int) ClassWeights.MAX_WEIGHT + "]"));
                return;
            }
        }
        if (s.getClassWeightsCount() == 0) {
            try {
                ClassWeights.parse(s.getClassWeighting(), java.util.Map.of());
            } catch (IllegalArgumentException e) {
                out.add(new FieldProblem(field, "must be \"balanced\", \"none\" or an object of weights by label"));
            }
        }
    }

    /** Widths or filters per block: 1-{@link #MAX_LAYERS} values (or none) in [1, {@link #MAX_UNITS}]. */
    private static void unitProblems(List<Integer> units, String field, List<FieldProblem> out) {
        if (units.size() > MAX_LAYERS) {
            out.add(new FieldProblem(field, "at most " + MAX_LAYERS + " layers"));
            return; // one problem, not one per entry of a huge list
        }
        for (int i = 0; i < units.size(); i++) {
            int u = units.get(i);
            if (u < 1 || u > MAX_UNITS) {
                out.add(new FieldProblem(field + "[" + i + "]", "must be 1-" + MAX_UNITS));
            }
        }
    }

    /**
     * Fills a requested spec with defaults. The architecture follows the data kind unless the spec names one; units
     * default to {@code defaults.units()} for the default's architecture and to {@link
     * Architecture#defaultUnits()} otherwise.
     *
     * @throws IllegalArgumentException when the spec has problems (see {@link #problems})
     */
    public static ModelSpec resolve(TrainingSpec s, DataKind kind, ModelSpec defaults) {
        List<FieldProblem> problems = problems(s, "");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training spec: "
                    + String.join(
                            "; ",
                            problems.stream()
                                    .map(p -> p.field() + " " + p.message())
                                    .toList()));
        }
        Architecture requested = Architecture.parseOrAuto(s.getArchitecture());
        ImpulseConfig impulse = s.hasImpulse() ? ImpulseConfig.resolve(s.getImpulse()) : ImpulseConfig.RAW;
        Architecture arch = requested != null ? requested : defaultArchitecture(kind, impulse);
        List<Integer> units = s.getHiddenUnitsCount() > 0
                ? s.getHiddenUnitsList()
                : arch == defaults.architecture() ? defaults.units() : arch.defaultUnits();
        return builder(arch, units)
                .epochs(
                        s.getMaxEpochs() > 0 ? s.getMaxEpochs() : defaults.maxEpochs(),
                        s.getPatience() > 0 ? s.getPatience() : defaults.patience())
                .batchSize(s.getBatchSize() > 0 ? s.getBatchSize() : defaults.batchSize())
                .learningRate(s.getLearningRate() > 0 ? s.getLearningRate() : defaults.learningRate())
                .optimizer(
                        s.getOptimizer().isBlank()
                                ? defaults.optimizer()
                                : OptimizerKind.valueOf(s.getOptimizer().trim().toUpperCase(Locale.ROOT)))
                .schedule(defaults.schedule())
                .seed(s.getSeed() != 0 ? s.getSeed() : defaults.seed())
                .normalization(
                        s.getNormalization().isBlank()
                                ? defaults.normalization()
                                : Normalization.parse(s.getNormalization()))
                .classWeights(
                        s.getClassWeightsCount() == 0 && s.getClassWeighting().isBlank()
                                ? defaults.classWeights()
                                : ClassWeights.parse(s.getClassWeighting(), s.getClassWeightsMap()))
                .impulse(impulse)
                .augmentation(
                        s.hasAugmentation() ? AugmentationConfig.resolve(s.getAugmentation()) : AugmentationConfig.NONE)
                .build();
    }

    /**
     * The data kind's architecture, or for an impulse the one its features suit: MLP (spectral), 1D-CNN (frames),
     * 2D-CNN (image).
     */
    private static Architecture defaultArchitecture(DataKind kind, ImpulseConfig impulse) {
        return switch (impulse.block()) {
            case RAW -> kind.defaultArchitecture();
            case SPECTRAL -> Architecture.MLP;
            case MFE, MFCC -> Architecture.CNN1D;
            case IMAGE -> Architecture.CNN2D;
        };
    }
}
