package io.edgeloop.training.domain;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jboss.logging.Logger;

/**
 * Trains an MLP classifier ({@code features -> H -> ReLU -> H -> ReLU -> classes}) with DJL on the PyTorch engine:
 * softmax cross-entropy on logits, Adam, shuffled mini-batches, fixed seed, early stopping on validation accuracy
 * (the weights of the best epoch are kept). Inputs are standardized with statistics of the train split.
 *
 * <p>Not thread-safe (the PyTorch seed is global): callers serialize training runs.
 */
public final class MlpTrainer {
    private static final Logger LOG = Logger.getLogger(MlpTrainer.class);
    /** DJL engine name. */
    public static final String ENGINE = "PyTorch";

    static {
        configureDjl();
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
     * Trains on {@code data}. The returned model owns native memory: close it.
     *
     * @throws IllegalArgumentException when the data is not usable (see {@link TrainingData#problems()})
     */
    public TrainedModel train(TrainingData data, Hyperparameters hp) {
        List<String> problems = data.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("snapshot cannot be trained on: " + String.join("; ", problems));
        }
        long started = System.nanoTime();
        Engine engine = Engine.getEngine(ENGINE);
        engine.setRandomSeed(hp.seed());
        int classes = data.classLabels().size();
        Standardizer standardizer = Standardizer.fit(data.train().features());
        float[][] xTrain = standardizer.apply(data.train().features());
        float[][] xVal = standardizer.apply(data.validation().features());
        int[] yTrain = data.train().labels();

        Linear[] layers = {
            Linear.builder().setUnits(hp.hiddenUnits()).build(),
            Linear.builder().setUnits(hp.hiddenUnits()).build(),
            Linear.builder().setUnits(classes).build()
        };
        SequentialBlock net = new SequentialBlock()
                .add(layers[0])
                .add(Activation.reluBlock())
                .add(layers[1])
                .add(Activation.reluBlock())
                .add(layers[2]);
        Model model = Model.newInstance("edgeloop-mlp", Device.cpu(), ENGINE);
        Trainer trainer = null;
        try {
            model.setBlock(net);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                    .optOptimizer(Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(hp.learningRate()))
                            .build())
                    .optDevices(new Device[] {Device.cpu()});
            trainer = model.newTrainer(config);
            trainer.initialize(new Shape(1, data.featureCount()));

            Random shuffle = new Random(hp.seed());
            int[] order = new int[xTrain.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            double bestAccuracy = -1;
            int bestEpoch = 0;
            int epochsRun = 0;
            double lastTrainLoss = Double.NaN;
            List<float[]> best = snapshot(layers);
            List<EpochStats> history = new ArrayList<>();
            for (int epoch = 1; epoch <= hp.maxEpochs(); epoch++) {
                shuffle(order, shuffle);
                double lossSum = 0;
                for (int from = 0; from < order.length; from += hp.batchSize()) {
                    int to = Math.min(order.length, from + hp.batchSize());
                    float[][] bx = new float[to - from][];
                    long[] by = new long[to - from];
                    for (int k = from; k < to; k++) {
                        bx[k - from] = xTrain[order[k]];
                        by[k - from] = yTrain[order[k]];
                    }
                    // a sub-manager per batch: DJL attaches every intermediate result to the input's manager
                    try (NDManager batch = model.getNDManager().newSubManager()) {
                        NDArray x = batch.create(bx);
                        NDArray y = batch.create(by);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList logits = trainer.forward(new NDList(x));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), logits);
                            gc.backward(loss);
                            lossSum += loss.getFloat() * (to - from);
                        }
                        trainer.step();
                    }
                }
                epochsRun = epoch;
                lastTrainLoss = lossSum / order.length;
                EvaluationMetrics val = EvaluationMetrics.of(
                        TrainedModel.probabilities(trainer, xVal),
                        data.validation().labels(),
                        classes);
                history.add(new EpochStats(epoch, lastTrainLoss, val.accuracy(), val.loss()));
                LOG.debugf(
                        "epoch %d: train loss %.4f, validation accuracy %.4f",
                        (Object) epoch, lastTrainLoss, val.accuracy());
                if (val.accuracy() > bestAccuracy) {
                    bestAccuracy = val.accuracy();
                    bestEpoch = epoch;
                    best = snapshot(layers);
                } else if (epoch - bestEpoch >= hp.patience()) {
                    break;
                }
            }
            if (bestEpoch != epochsRun) {
                restore(layers, best);
            }
            List<DenseLayer> dense = new ArrayList<>();
            int in = data.featureCount();
            for (int i = 0; i < layers.length; i++) {
                int out = i == layers.length - 1 ? classes : hp.hiddenUnits();
                dense.add(new DenseLayer(best.get(2 * i), best.get(2 * i + 1), in, out));
                in = out;
            }
            TrainedModel trained = new TrainedModel(
                    model,
                    trainer,
                    standardizer,
                    dense,
                    data.classLabels(),
                    epochsRun,
                    bestEpoch,
                    lastTrainLoss,
                    history,
                    (System.nanoTime() - started) / 1e9);
            trained.evaluate(data);
            return trained;
        } catch (RuntimeException | Error e) {
            if (trainer != null) {
                trainer.close();
            }
            model.close();
            throw e;
        }
    }

    /** Copies weight and bias of every layer to the heap: [w0, b0, w1, b1, ...]. */
    private static List<float[]> snapshot(Linear[] layers) {
        List<float[]> out = new ArrayList<>();
        for (Linear l : layers) {
            out.add(l.getParameters().get("weight").getArray().toFloatArray());
            out.add(l.getParameters().get("bias").getArray().toFloatArray());
        }
        return out;
    }

    private static void restore(Linear[] layers, List<float[]> values) {
        for (int i = 0; i < layers.length; i++) {
            layers[i].getParameters().get("weight").getArray().set(values.get(2 * i));
            layers[i].getParameters().get("bias").getArray().set(values.get(2 * i + 1));
        }
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * Progress of one epoch.
     *
     * @param epoch 1-based epoch
     * @param trainLoss mean train loss over the epoch's batches
     * @param validationAccuracy accuracy on the validation split after the epoch
     * @param validationLoss cross-entropy on the validation split after the epoch
     */
    public record EpochStats(int epoch, double trainLoss, double validationAccuracy, double validationLoss) {}
}
