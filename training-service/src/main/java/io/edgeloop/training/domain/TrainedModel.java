package io.edgeloop.training.domain;

import ai.djl.Model;
import ai.djl.training.Trainer;
import io.edgeloop.training.impulse.ProcessingBlock;
import java.util.List;
import java.util.Map;

/**
 * A trained classifier: the live DJL model (for inference), its layers on the heap (for export), the input
 * standardization, the training history and evaluation results. Owns native memory: close it.
 */
public final class TrainedModel implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final ModelSpec spec;
    private final InputLayout layout;
    private final Standardizer standardizer;
    private final ProcessingBlock block;
    private final List<Layer> network;
    private final List<String> classLabels;
    private final int epochs;
    private final int bestEpoch;
    private final double finalTrainLoss;
    private final List<EpochStats> history;
    private final long trainSampleCount;
    private final double trainingSeconds;
    private EvaluationMetrics validation;
    private EvaluationMetrics test;

    TrainedModel(
            Model model,
            Trainer trainer,
            ModelSpec spec,
            InputLayout layout,
            Standardizer standardizer,
            ProcessingBlock block,
            List<Layer> network,
            List<String> classLabels,
            int epochs,
            int bestEpoch,
            double finalTrainLoss,
            List<EpochStats> history,
            long trainSampleCount,
            double trainingSeconds) {
        this.model = model;
        this.trainer = trainer;
        this.spec = spec;
        this.layout = layout;
        this.standardizer = standardizer;
        this.block = block;
        this.network = List.copyOf(network);
        this.classLabels = List.copyOf(classLabels);
        this.epochs = epochs;
        this.bestEpoch = bestEpoch;
        this.finalTrainLoss = finalTrainLoss;
        this.history = List.copyOf(history);
        this.trainSampleCount = trainSampleCount;
        this.trainingSeconds = trainingSeconds;
    }

    void evaluateSplits(TrainingData data) {
        validation = evaluate(data.validation());
        test = evaluate(data.test());
    }

    /** Metrics of this model on {@code split} (raw, flat samples; raw windows when there is a processing block). */
    public EvaluationMetrics evaluate(SplitData split) {
        return EvaluationMetrics.of(predictProbabilities(split.features()), split.labels(), classLabels.size());
    }

    /** Class probabilities computed by DJL for raw (unstandardized) flat samples. */
    public float[][] predictProbabilities(float[][] rawFeatures) {
        return ClassifierOutputs.softmax(logits(rawFeatures), 1);
    }

    /** Logits computed by DJL for raw (unstandardized) flat samples. */
    public float[][] logits(float[][] rawFeatures) {
        float[][] features = block == null ? rawFeatures : block.apply(rawFeatures);
        return ClassifierOutputs.logits(trainer, standardizer.apply(features), layout.shape());
    }

    /**
     * The model as ONNX bytes ({@code input} [N, ...sample shape] -> {@code probabilities} [N, C]).
     *
     * @param graphName name of the ONNX graph (the model name)
     * @param metadata extra {@code metadata_props}
     */
    public byte[] exportOnnx(String graphName, Map<String, String> metadata) {
        return new OnnxExporter().export(this, graphName, metadata);
    }

    /**
     * Median wall time of a single-sample DJL forward pass on this host (after a warm-up), in microseconds.
     *
     * @param runs measured runs
     */
    public double measureLatencyMicros(float[] rawSample, int runs) {
        float[][] one = {rawSample};
        for (int i = 0; i < Math.max(5, runs / 5); i++) {
            logits(one);
        }
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            logits(one);
            times[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(times);
        return times[runs / 2] / 1e3;
    }

    /**
     * Human-readable layer layout, e.g. {@code mlp(8-32-relu-32-relu-4)-softmax,standardized} or {@code
     * cnn1d(3x128-conv16-relu-pool2-conv32-relu-pool2-gap-4)-softmax,standardized}.
     */
    public String architecture() {
        StringBuilder sb = new StringBuilder();
        if (block != null) {
            sb.append(block.describe()).append('+');
        }
        sb.append(spec.architecture().wireName()).append('(');
        sb.append(String.join(
                "x", layout.shapeList().stream().map(String::valueOf).toList()));
        for (Layer l : network) {
            sb.append('-');
            if (l instanceof Layer.Dense d) {
                sb.append(d.weights().outputs());
            } else if (l instanceof Layer.Conv c) {
                sb.append("conv").append(c.filters());
            } else if (l instanceof Layer.MaxPool p) {
                sb.append("pool").append(p.size());
            } else if (l instanceof Layer.GlobalAvgPool) {
                sb.append("gap");
            } else if (l instanceof Layer.Gru r) {
                sb.append("gru").append(r.hidden());
            } else if (l instanceof Layer.Lstm r) {
                sb.append("lstm").append(r.hidden());
            } else if (l instanceof Layer.LastStep) {
                sb.append("last");
            } else {
                sb.append("relu");
            }
        }
        return sb.append(")-softmax,standardized").toString();
    }

    /** Parameters, MACs and working memory per sample, the processing block's included (and also given apart). */
    public Footprint footprint() {
        Footprint net = Footprint.of(network, layout.shape());
        if (block == null) {
            return net;
        }
        Footprint processing = Footprint.ofBlock(block);
        return new Footprint(
                net.parameterCount(),
                net.parameterBytes(),
                net.macs() + processing.macs(),
                Math.max(net.peakActivationBytes(), processing.peakActivationBytes()),
                processing.processingMacs(),
                processing.processingConstantBytes(),
                processing.processingActivationBytes());
    }

    /** Trainable values. */
    public long parameterCount() {
        return footprint().parameterCount();
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The network's input (the processing block's features, when there is one). */
    public InputLayout layout() {
        return layout;
    }

    /** The processing block before the network; null when the network sees the raw sample. */
    public ProcessingBlock processing() {
        return block;
    }

    /** Shape of the model's input without the batch dimension: the raw window when there is a processing block. */
    public List<Integer> inputShape() {
        return block == null
                ? layout.shapeList()
                : java.util.Arrays.stream(block.inputShape()).boxed().toList();
    }

    public Standardizer standardizer() {
        return standardizer;
    }

    /** Every layer, in order (the input standardization excluded). */
    public List<Layer> network() {
        return network;
    }

    /** The dense layers, in order (all layers of an MLP). */
    public List<DenseLayer> layers() {
        return network.stream()
                .filter(l -> l instanceof Layer.Dense)
                .map(l -> ((Layer.Dense) l).weights())
                .toList();
    }

    public List<String> classLabels() {
        return classLabels;
    }

    /** Values per (flat) sample: the model's input (the raw window when there is a processing block). */
    public int featureCount() {
        return block == null ? layout.featureCount() : block.inputSize();
    }

    /** Epochs actually run (early stopping may end before the maximum). */
    public int epochs() {
        return epochs;
    }

    /** Epoch whose weights were kept (lowest validation loss). */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double finalTrainLoss() {
        return finalTrainLoss;
    }

    public List<EpochStats> history() {
        return history;
    }

    public double trainingSeconds() {
        return trainingSeconds;
    }

    /** Validation metrics; null until evaluated by {@link ClassifierTrainer#train(TrainingData)}. */
    public EvaluationMetrics validation() {
        return validation;
    }

    /** Test metrics; null until evaluated by {@link ClassifierTrainer#train(TrainingData)}. */
    public EvaluationMetrics test() {
        return test;
    }

    public long trainSampleCount() {
        return trainSampleCount;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
