package io.edgeloop.training.domain;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.edgeloop.training.augment.Augmenter;
import io.edgeloop.training.augment.FeatureMasks;
import io.edgeloop.training.augment.Mixup;
import io.edgeloop.training.impulse.FrameBlock;
import io.edgeloop.training.impulse.ImageBlock;
import io.edgeloop.training.impulse.ProcessingBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Trains a classifier with DJL on the PyTorch engine: an MLP, a 1D-CNN or a small 2D-CNN (see {@link Architecture}),
 * on inputs standardized with statistics of the train split (per feature for an MLP, per channel for a CNN).
 * Softmax cross-entropy on logits, Adam or SGD with momentum, a constant or cosine learning-rate schedule, shuffled
 * mini-batches, fixed seeds, and early stopping on the validation loss (the weights of the epoch with the lowest
 * validation loss are kept). Every batch and every evaluation runs in its own NDManager sub-manager, so native memory
 * does not grow across epochs. Optionally distills from a teacher's soft labels ({@link #distillFrom}).
 *
 * <p>Usage without CDI: {@code new ClassifierTrainer(spec, layout, labels).train(trainSplit, validationSplit)}, then
 * {@link TrainedModel#evaluate}, {@link TrainedModel#exportOnnx}; close the model.
 *
 * <p>With a processing block ({@link #forSamples}, {@link ModelSpec#impulse()}), splits hold raw windows: the block
 * turns them into features, the standardization is fitted on the train split's features, and the network trains on
 * them; the model evaluates and exports from raw windows (the block leads the ONNX graph).
 *
 * <p>Not thread-safe (the PyTorch seed is global): callers serialize training runs.
 */
public final class ClassifierTrainer {
    private static final Logger LOG = Logger.getLogger(ClassifierTrainer.class);
    /** DJL engine name. */
    public static final String ENGINE = "PyTorch";
    /** Rows per inference batch during evaluation. */
    static {
        configureDjl();
    }

    private final ModelSpec spec;
    private final InputLayout layout;
    private final List<String> classLabels;
    private final ProcessingBlock block;
    /** The raw sample shape the augmenter sees (see {@link Augmenter#sampleShape}); null = from the layout. */
    private int[] augmentShape;
    /** The data kind the augmenter treats the raw samples as; null = the layout's. */
    private DataKind augmentKind;

    private EpochListener listener = stats -> {};
    private java.util.function.IntConsumer nativeArrays = n -> {};
    private float[][] teacherLogits;
    private double temperature;
    private double alpha;

    /**
     * @param spec architecture and optimization settings
     * @param layout the model input (flat samples are reshaped to it)
     * @param classLabels class names in index order (at least 2)
     */
    public ClassifierTrainer(ModelSpec spec, InputLayout layout, List<String> classLabels) {
        this(spec, layout, classLabels, null);
    }

    /**
     * @param spec architecture and optimization settings
     * @param layout the network input (the block's features are reshaped to it)
     * @param classLabels class names in index order (at least 2)
     * @param block processing block applied to every raw window first; null = none (the network sees the sample)
     */
    public ClassifierTrainer(ModelSpec spec, InputLayout layout, List<String> classLabels, ProcessingBlock block) {
        if (block != null && block.outputSize() != layout.featureCount()) {
            throw new IllegalArgumentException(
                    "the network input " + layout + " does not take the block's " + block.outputSize() + " features");
        }
        if (classLabels.size() < 2) {
            throw new IllegalArgumentException("at least 2 class labels are needed");
        }
        if ((spec.architecture() == Architecture.MLP && layout.shape().length != 1)
                || ((spec.architecture() == Architecture.CNN1D
                                || spec.architecture().recurrent())
                        && layout.shape().length != 2)
                || (spec.architecture() == Architecture.CNN2D && layout.shape().length != 3)) {
            throw new IllegalArgumentException(
                    spec.architecture().wireName() + " cannot take inputs of shape " + layout.shapeList());
        }
        this.spec = spec;
        this.layout = layout;
        this.classLabels = List.copyOf(classLabels);
        this.block = block;
    }

    /**
     * A trainer for samples of a data set: builds the spec's processing block (if any) for the sample shape and the
     * network input for its features (or for the raw samples).
     *
     * @param declaredShape the data set's sample shape; empty = [featureCount]
     * @throws IllegalArgumentException when the shape does not fit the block or the architecture (for the block,
     *     the message starts with {@code impulse.<field>: })
     */
    public static ClassifierTrainer forSamples(
            ModelSpec spec, DataKind kind, List<Integer> declaredShape, int featureCount, List<String> classLabels) {
        ClassifierTrainer trainer;
        if (!spec.impulse().processes()) {
            InputLayout layout = InputLayout.resolve(kind, declaredShape, featureCount, spec.architecture());
            trainer = new ClassifierTrainer(spec, layout, classLabels);
        } else {
            trainer = withBlock(spec, kind, declaredShape, featureCount, classLabels);
        }
        trainer.featureMasks(); // a mask that the block's features cannot take fails here
        if (trainer.block instanceof ImageBlock image) { // pixels of any data kind are augmented as images
            trainer.augmentKind = DataKind.IMAGE;
            trainer.augmentShape = image.imageShape();
        } else if (spec.augmentation().transformsSamples()) { // masks and mixup need no raw sample geometry
            try {
                trainer.augmentShape = Augmenter.sampleShape(kind, declaredShape, featureCount);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("augmentation: cannot augment these samples: " + e.getMessage(), e);
            }
        }
        return trainer;
    }

    private static ClassifierTrainer withBlock(
            ModelSpec spec, DataKind kind, List<Integer> declaredShape, int featureCount, List<String> classLabels) {
        InputLayout raw = InputLayout.resolve(kind, declaredShape, featureCount, Architecture.MLP);
        int[] shape = declaredShape == null || declaredShape.isEmpty()
                ? raw.shape()
                : declaredShape.stream().mapToInt(Integer::intValue).toArray();
        ProcessingBlock block;
        try {
            block = ProcessingBlock.create(spec.impulse(), shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("impulse." + e.getMessage(), e);
        }
        List<Integer> features = Arrays.stream(block.outputShape()).boxed().toList();
        InputLayout layout = InputLayout.resolve(kind, features, block.outputSize(), spec.architecture());
        return new ClassifierTrainer(spec, layout, classLabels, block);
    }

    /**
     * Sets DJL's system properties: offline (never download), no usage tracking, one intra-op and one inter-op
     * thread. Must run before anything touches {@link Engine}; idempotent.
     */
    public static void configureDjl() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * Diagnostics: told, after every epoch, how many NDArrays the model's manager (and the trainer's, under it) still
     * holds; a number that grows with the epochs is a native memory leak.
     */
    ClassifierTrainer onEpochNativeArrays(java.util.function.IntConsumer counter) {
        this.nativeArrays = counter;
        return this;
    }

    /** Reports every epoch to {@code l} (after its validation: its figures and its wall-clock time). */
    public ClassifierTrainer onEpoch(EpochListener l) {
        this.listener = l;
        return this;
    }

    /**
     * Knowledge distillation: the loss becomes {@code alpha * T^2 * KL(softmax(teacher/T) || softmax(student/T)) +
     * (1 - alpha) * CE(labels)}.
     *
     * @param logits the teacher's logits for every train row, in the order of the train split
     * @param temperature T > 0
     * @param alpha weight of the soft-label term in [0, 1]
     */
    public ClassifierTrainer distillFrom(float[][] logits, double temperature, double alpha) {
        if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("temperature must be > 0 and alpha in [0, 1]");
        }
        this.teacherLogits = logits;
        this.temperature = temperature;
        this.alpha = alpha;
        return this;
    }

    /**
     * Trains on a snapshot and evaluates the validation and test splits. The returned model owns native memory:
     * close it.
     *
     * @throws IllegalArgumentException when the data is not usable (see {@link TrainingData#problems()})
     */
    public TrainedModel train(TrainingData data) {
        List<String> problems = data.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("snapshot cannot be trained on: " + String.join("; ", problems));
        }
        int expected = block == null ? layout.featureCount() : block.inputSize();
        if (!data.classLabels().equals(classLabels) || data.featureCount() != expected) {
            throw new IllegalArgumentException("the data's labels or feature count differ from the trainer's");
        }
        TrainedModel model = train(data.train(), data.validation());
        try {
            model.evaluateSplits(data);
            return model;
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * Trains on {@code train}, early-stopping on {@code validation}. The returned model owns native memory: close it.
     */
    public TrainedModel train(SplitData train, SplitData validation) {
        if (train.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("train and validation splits must not be empty");
        }
        float[][] rawTrain = train.features();
        Augmenter augmenter = augmenter(rawTrain);
        UnaryOperator<float[][]> masks = featureMasks();
        Mixup mixup = Mixup.of(spec.augmentation().mixupAlpha(), spec.seed() * 0x9E3779B97F4A7C15L + 0x5A5L);
        if (block != null) {
            train = new SplitData(block.apply(train.features()), train.labels());
            validation = new SplitData(block.apply(validation.features()), validation.labels());
        }
        if (teacherLogits != null && teacherLogits.length != train.size()) {
            throw new IllegalArgumentException("need one teacher logit row per train sample");
        }
        long started = System.nanoTime();
        Engine engine = Engine.getEngine(ENGINE);
        engine.setRandomSeed(Long.hashCode(spec.seed()));
        int classes = classLabels.size();
        Standardizer standardizer = spec.architecture() == Architecture.MLP
                ? Standardizer.fit(train.features(), spec.normalization())
                : Standardizer.fitPerChannel(train.features(), layout.channels(), spec.normalization());
        float[][] xTrain = standardizer.apply(train.features());
        float[][] xVal = standardizer.apply(validation.features());
        int[] yTrain = train.labels();
        float[] classWeight =
                spec.classWeights().weighted() ? spec.classWeights().perClass(classLabels, yTrain) : null;
        float[][] soft = teacherLogits == null ? null : ClassifierOutputs.softmax(teacherLogits, temperature);

        NetworkPlan plan = NetworkPlan.build(spec, layout, classes);
        Model model = Model.newInstance("edgeloop-" + spec.architecture().wireName(), Device.cpu(), ENGINE);
        Trainer trainer = null;
        try {
            model.setBlock(plan.block());
            int stepsPerEpoch = (xTrain.length + spec.batchSize() - 1) / spec.batchSize();
            Tracker lr = schedule(stepsPerEpoch * spec.maxEpochs());
            Optimizer optimizer = spec.optimizer() == ModelSpec.OptimizerKind.ADAM
                    ? Optimizer.adam().optLearningRateTracker(lr).build()
                    : Optimizer.sgd()
                            .setLearningRateTracker(lr)
                            .optMomentum(0.9f)
                            .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            trainer = model.newTrainer(config);
            trainer.initialize(batchShape(1));

            Random shuffle = new Random(spec.seed());
            int[] order = new int[xTrain.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            double bestLoss = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            int epochsRun = 0;
            int updates = 0;
            double lastTrainLoss = Double.NaN;
            List<float[]> best = plan.snapshot();
            List<EpochStats> history = new ArrayList<>();
            for (int epoch = 1; epoch <= spec.maxEpochs(); epoch++) {
                long epochStart = System.nanoTime();
                shuffle(order, shuffle);
                // a fresh augmentation of the raw train samples every epoch; validation stays as it is
                float[][] epochTrain = augmenter == null ? xTrain : augmented(augmenter, rawTrain, standardizer);
                if (masks != null) { // SpecAugment on the normalized features of the block
                    epochTrain = masks.apply(epochTrain);
                }
                double lossSum = 0;
                for (int from = 0; from < order.length; from += spec.batchSize()) {
                    int to = Math.min(order.length, from + spec.batchSize());
                    int n = to - from;
                    float[] bx = new float[n * layout.featureCount()];
                    long[] by = new long[n];
                    float[] bs = soft == null ? null : new float[n * classes];
                    for (int k = 0; k < n; k++) {
                        int row = order[from + k];
                        System.arraycopy(epochTrain[row], 0, bx, k * layout.featureCount(), layout.featureCount());
                        by[k] = yTrain[row];
                        if (bs != null) {
                            System.arraycopy(soft[row], 0, bs, k * classes, classes);
                        }
                    }
                    Mixup.Mixed mixed = mixup == null ? null : mixup.mix(bx, n, layout.featureCount(), bs, classes);
                    // a sub-manager per batch: DJL attaches every intermediate result to the input's manager
                    try (NDManager batch = model.getNDManager().newSubManager()) {
                        NDArray x = batch.create(bx, batchShape(n));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                            NDArray loss = crossEntropy(trainer, batch, logits, by, classWeight);
                            if (mixed != null) { // the same mix of the two label sets' losses
                                loss = loss.mul(mixed.lambda())
                                        .add(crossEntropy(trainer, batch, logits, mixed.partnerLabels(by), classWeight)
                                                .mul(1 - mixed.lambda()));
                            }
                            if (bs != null) {
                                NDArray target = batch.create(bs, new Shape(n, classes));
                                NDArray logStudent =
                                        logits.div((float) temperature).logSoftmax(1);
                                NDArray kl = target.mul(target.add(1e-12f).log().sub(logStudent))
                                        .sum(new int[] {1})
                                        .mean()
                                        .mul((float) (temperature * temperature));
                                loss = loss.mul((float) (1 - alpha)).add(kl.mul((float) alpha));
                            }
                            gc.backward(loss);
                            lossSum += loss.getFloat() * n;
                        }
                        trainer.step();
                        updates++;
                    }
                }
                epochsRun = epoch;
                lastTrainLoss = lossSum / order.length;
                if (!Double.isFinite(lastTrainLoss)) {
                    throw new TrainingDivergedException(epoch, lastTrainLoss, spec.learningRate());
                }
                float[][] valProbabilities =
                        ClassifierOutputs.softmax(ClassifierOutputs.logits(trainer, xVal, layout.shape()), 1);
                EvaluationMetrics val = EvaluationMetrics.of(valProbabilities, validation.labels(), classes);
                // early stopping follows the objective trained: with class weights, the weighted validation loss
                double valLoss = classWeight == null
                        ? val.loss()
                        : ClassifierOutputs.weightedLoss(valProbabilities, validation.labels(), classWeight);
                EpochStats stats = new EpochStats(
                        epoch, spec.maxEpochs(), lastTrainLoss, valLoss, val.accuracy(), lr.getNewValue(updates));
                history.add(stats);
                LOG.debugf(
                        "epoch %d: train loss %.4f, validation loss %.4f, accuracy %.4f",
                        (Object) epoch, lastTrainLoss, valLoss, val.accuracy());
                listener.onEpoch(stats, (System.nanoTime() - epochStart) / 1e9);
                nativeArrays.accept(model.getNDManager().getManagedArrays().size());
                if (valLoss < bestLoss) {
                    bestLoss = valLoss;
                    bestEpoch = epoch;
                    best = plan.snapshot();
                } else if (epoch - bestEpoch >= spec.patience()) {
                    break;
                }
            }
            if (bestEpoch != epochsRun) {
                plan.restore(best);
            }
            return new TrainedModel(
                    model,
                    trainer,
                    spec,
                    layout,
                    standardizer,
                    block,
                    plan.layers(layout),
                    classLabels,
                    epochsRun,
                    bestEpoch,
                    lastTrainLoss,
                    history,
                    train.size(),
                    (System.nanoTime() - started) / 1e9);
        } catch (RuntimeException | Error e) {
            if (trainer != null) {
                trainer.close();
            }
            model.close();
            throw e;
        }
    }

    /** The spec's augmenter for these raw train samples, or null when the spec augments nothing. */
    private Augmenter augmenter(float[][] rawTrain) {
        if (!spec.augmentation().transformsSamples()) {
            return null;
        }
        int[] shape = augmentShape;
        if (shape == null) {
            int[] raw = block == null ? layout.shape() : block.inputShape();
            int size = Arrays.stream(raw).reduce(1, (a, b) -> a * b);
            shape = Augmenter.sampleShape(
                    layout.kind(), Arrays.stream(raw).boxed().toList(), size);
        }
        DataKind kind = augmentKind == null ? layout.kind() : augmentKind;
        return Augmenter.create(spec.augmentation(), kind, shape, rawTrain, spec.seed());
    }

    /**
     * The spec's SpecAugment-style masking of the block's normalized features, drawn anew on every call from a
     * generator seeded by the run's seed; null when the spec masks nothing.
     *
     * @throws IllegalArgumentException naming the augmentation field when the block has no frames or is too small
     */
    private UnaryOperator<float[][]> featureMasks() {
        FeatureMasks m = spec.augmentation().masks();
        if (!m.masks()) {
            return null;
        }
        if (!(block instanceof FrameBlock)) {
            throw new IllegalArgumentException("augmentation." + (m.timeMasks() > 0 ? "timeMasks" : "frequencyMasks")
                    + ": needs an mfe or mfcc impulse (features by frames)");
        }
        int[] features = block.outputShape();
        int axes = block.inputShape().length == 1 ? 1 : block.inputShape()[0];
        String unfit = m.fitProblem(features[0] / axes, features[1]);
        if (unfit != null) {
            throw new IllegalArgumentException("augmentation." + unfit);
        }
        Random random = new Random(spec.seed() * 0x2545F4914F6CDD1DL + 0x3A5L);
        return x -> m.apply(x, axes, features[0], features[1], random);
    }

    /** The batch's cross-entropy for {@code labels}, class-weighted when the spec weights classes. */
    private static NDArray crossEntropy(
            Trainer trainer, NDManager batch, NDArray logits, long[] labels, float[] classWeight) {
        return classWeight == null
                ? trainer.getLoss().evaluate(new NDList(batch.create(labels)), new NDList(logits))
                : ClassifierOutputs.weightedCrossEntropy(batch, logits, labels, classWeight);
    }

    /** Augmented raw train samples, through the block (if any) and the standardization. */
    private float[][] augmented(Augmenter augmenter, float[][] rawTrain, Standardizer standardizer) {
        float[][] x = augmenter.apply(rawTrain);
        return standardizer.apply(block == null ? x : block.apply(x));
    }

    private Shape batchShape(int n) {
        long[] dims = new long[layout.shape().length + 1];
        dims[0] = n;
        for (int i = 0; i < layout.shape().length; i++) {
            dims[i + 1] = layout.shape()[i];
        }
        return new Shape(dims);
    }

    private Tracker schedule(int totalUpdates) {
        float base = (float) spec.learningRate();
        if (spec.schedule() == ModelSpec.Schedule.CONSTANT) {
            return Tracker.fixed(base);
        }
        return Tracker.cosine()
                .setBaseValue(base)
                .optFinalValue(base * 0.01f)
                .setMaxUpdates(Math.max(1, totalUpdates))
                .build();
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
