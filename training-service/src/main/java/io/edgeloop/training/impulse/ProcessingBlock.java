package io.edgeloop.training.impulse;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.FieldProblem;
import java.util.Arrays;
import java.util.List;

/**
 * The processing block of an impulse, built for one window shape: computes features from a raw window in Java (for
 * training and DJL inference) and emits the same computation as ONNX nodes (opset 13, names prefixed {@link
 * ImpulseGraph#PREFIX}) at the front of an exported graph. A window is a flat float row, channel-major [axes,
 * length] (a flat [length] sample is one axis); an image is [channels, height, width]. Thread-safe once built
 * (immutable).
 */
public abstract sealed class ProcessingBlock permits SpectralBlock, FrameBlock, ImageBlock {
    private final ImpulseConfig config;
    private final int[] inputShape;
    /** Axes (channels) of the window. */
    protected final int axes;
    /** Samples per axis. */
    protected final int length;

    ProcessingBlock(ImpulseConfig config, int[] inputShape) {
        this.config = config;
        this.inputShape = inputShape.clone();
        this.axes = inputShape.length == 1 ? 1 : inputShape[0];
        this.length = inputShape[inputShape.length - 1];
    }

    /**
     * The block of {@code config} for windows of {@code sampleShape}.
     *
     * @param sampleShape the data set's sample shape without the batch dimension: [length] or [axes, length]
     *     ([channels, height, width] for {@code image})
     * @throws IllegalArgumentException for a raw config, or when the block cannot fit the shape; the message starts
     *     with the name of the offending impulse field (e.g. {@code frameLength: ...})
     */
    public static ProcessingBlock create(ImpulseConfig config, int[] sampleShape) {
        if (config.block() == ImpulseConfig.Block.IMAGE) {
            return new ImageBlock(config, sampleShape, imageShape(sampleShape));
        }
        if (sampleShape.length == 0
                || sampleShape.length > 2
                || Arrays.stream(sampleShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("block: " + config.block().wireName()
                    + " needs windows of shape [length] or [axes, length], got " + Arrays.toString(sampleShape));
        }
        return switch (config.block()) {
            case SPECTRAL -> new SpectralBlock(config, sampleShape);
            case MFE, MFCC -> new FrameBlock(config, sampleShape);
            case RAW -> throw new IllegalArgumentException("block: raw has no processing block");
            case IMAGE -> throw new IllegalStateException("handled above");
        };
    }

    /**
     * The [channels, height, width] an image block reads from samples of {@code sampleShape}: the shape itself, one
     * channel of a [height, width] sample, or one square channel of a flat sample of a square number of values (a
     * {@code features} data set of pixels; another image shape is declared with the run's {@code sampleShape}).
     *
     * @throws IllegalArgumentException (message {@code block: ...}) for any other shape
     */
    static int[] imageShape(int[] sampleShape) {
        boolean positive = Arrays.stream(sampleShape).allMatch(d -> d >= 1);
        if (positive && sampleShape.length == 3) {
            return sampleShape.clone();
        }
        if (positive && sampleShape.length == 2) {
            return new int[] {1, sampleShape[0], sampleShape[1]};
        }
        int side = sampleShape.length == 1 ? (int) Math.round(Math.sqrt(sampleShape[0])) : 0;
        if (positive && sampleShape.length == 1 && side * side == sampleShape[0]) {
            return new int[] {1, side, side};
        }
        throw new IllegalArgumentException("block: image needs samples of shape [channels, height, width], [height,"
                + " width] or a flat square number of pixels, got " + Arrays.toString(sampleShape)
                + (sampleShape.length == 1 ? " (declare the image's shape with sampleShape)" : ""));
    }

    /**
     * The problem of {@code config} on windows of {@code sampleShape}, or null when the block fits (or is raw).
     *
     * @return field (relative to the impulse, e.g. {@code frameLength}) and message
     */
    public static String[] shapeProblem(ImpulseConfig config, List<Integer> sampleShape) {
        if (!config.processes() || sampleShape == null || sampleShape.isEmpty()) {
            return null;
        }
        try {
            create(config, sampleShape.stream().mapToInt(Integer::intValue).toArray());
            return null;
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            int colon = m.indexOf(": ");
            return colon > 0 ? new String[] {m.substring(0, colon), m.substring(colon + 2)} : new String[] {"block", m};
        }
    }

    /**
     * Checks, where the sample shape is known (at submission), that the requested impulse fits the data set's windows.
     * Field problems of the impulse itself are not repeated here (the spec's validation reports them).
     *
     * @param shape the data set's sample shape; empty = [featureCount] (or unknown when that is 0 too)
     * @param prefix prefix of the field names, e.g. {@code spec.}
     * @return the problem, naming the impulse field (e.g. {@code spec.impulse.frameLength}); empty when it fits
     */
    public static List<FieldProblem> fitProblems(
            TrainingSpec requested, List<Integer> shape, int featureCount, String prefix) {
        if (!requested.hasImpulse()
                || !ImpulseConfig.problems(requested.getImpulse(), "").isEmpty()) {
            return List.of();
        }
        List<Integer> windows = shape.isEmpty() && featureCount > 0 ? List.of(featureCount) : shape;
        String[] problem = shapeProblem(ImpulseConfig.resolve(requested.getImpulse()), windows);
        return problem == null
                ? List.of()
                : List.of(new FieldProblem(
                        prefix + "impulse." + problem[0], problem[1] + " (sample shape " + windows + ")"));
    }

    /** The spec the block was built from. */
    public ImpulseConfig config() {
        return config;
    }

    /** Shape of a raw window without the batch dimension (the exported model's input). */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Values per raw window. */
    public int inputSize() {
        return Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
    }

    /**
     * Shape of the features of one window: [F] (spectral), [channels, frames] (mfe, mfcc) or [channels, height,
     * width] (image).
     */
    public abstract int[] outputShape();

    /** Values per feature row. */
    public int outputSize() {
        return Arrays.stream(outputShape()).reduce(1, (a, b) -> a * b);
    }

    /** Multiply-accumulates per window (the constant matrix products; element-wise work not counted). */
    public abstract long macs();

    /** Floats held by the block's constant tensors. */
    public abstract long constantCount();

    /**
     * Short description for the architecture string, e.g. {@code spectral(8 bands)} or {@code mfcc(13x7)} (channels x
     * frames); the settings are in the spec.
     */
    public abstract String describe();

    /**
     * The features of one raw window, flat in the layout of {@link #outputShape()}.
     *
     * @throws IllegalArgumentException when the window does not have {@link #inputSize()} values
     */
    public final float[] apply(float[] window) {
        if (window.length != inputSize()) {
            throw new IllegalArgumentException(
                    "window of " + window.length + " values, the block expects " + Arrays.toString(inputShape));
        }
        return compute(window);
    }

    /** The features of every window. */
    public final float[][] apply(float[][] windows) {
        float[][] out = new float[windows.length][];
        for (int i = 0; i < windows.length; i++) {
            out[i] = apply(windows[i]);
        }
        return out;
    }

    /** Computes the features of a window of the right size. */
    protected abstract float[] compute(float[] window);

    /**
     * Adds the block's nodes to {@code graph}, reading graph value {@code input} (float [N, ...{@link
     * #inputShape()}]).
     *
     * @return the name of the value holding the features, float [N, ...{@link #outputShape()}]
     */
    public final String emit(GraphProto.Builder graph, String input) {
        ImpulseGraph g = new ImpulseGraph(graph);
        String windows = input;
        int[] body = bodyShape();
        if (!Arrays.equals(body, inputShape)) { // a flat window is one axis; a [H, W] image one channel
            long[] dims = new long[body.length + 1];
            for (int i = 0; i < body.length; i++) {
                dims[i + 1] = body[i];
            }
            String shape = g.constantInt64("window_shape", dims, dims.length);
            windows = g.node("Reshape", "window", List.of(input, shape));
        }
        return emitBody(g, windows);
    }

    /**
     * The shape (without the batch dimension) that {@link #emitBody} reads: [axes, length] for a signal block (a flat
     * window is one axis), [channels, height, width] for an image.
     */
    protected int[] bodyShape() {
        return inputShape.length == 1 ? new int[] {1, length} : inputShape.clone();
    }

    /**
     * The block alone as an ONNX model (opset 13): input {@code window} float [N, ...{@link #inputShape()}], one
     * output, the features float [N, ...{@link #outputShape()}]. What a device runs in front of the network, for
     * parity checks and benchmarks.
     */
    public final byte[] standaloneModel() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("block");
        g.addInput(ImpulseGraph.batchedFloat("window", inputShape));
        String out = emit(g, "window");
        g.addOutput(ImpulseGraph.batchedFloat(out, outputShape()));
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g)
                .build()
                .toByteArray();
    }

    /** Adds the nodes for windows float [N, ...{@link #bodyShape()}]; returns the features' value name. */
    protected abstract String emitBody(ImpulseGraph g, String windows);

    /** Axis {@code a} of a flat channel-major window, in double. */
    protected final double[] axis(float[] window, int a) {
        double[] x = new double[length];
        for (int n = 0; n < length; n++) {
            x[n] = window[a * length + n];
        }
        return x;
    }
}
