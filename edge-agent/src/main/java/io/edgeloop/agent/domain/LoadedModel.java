package io.edgeloop.agent.domain;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An immutable loaded model: its ONNX Runtime session, identity, input contract and class labels. Reference counted:
 * the holder (the runtime) owns one reference, each running inference another; the session closes when the last
 * reference is released, so inferences that started before a swap finish on the old session.
 */
public final class LoadedModel {
    /** Metadata key of the comma-separated class labels. */
    public static final String CLASS_LABELS_KEY = "class_labels";

    private final OrtSession session;
    private final ModelDescriptor descriptor;
    private final String inputName;
    private final String outputName;
    private final int featureCount;
    private final long batch;
    private final int classes;
    private final List<String> labels;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicLong inferences = new AtomicLong();

    private LoadedModel(
            OrtSession session,
            ModelDescriptor descriptor,
            String inputName,
            String outputName,
            int featureCount,
            long batch,
            int classes,
            List<String> labels) {
        this.session = session;
        this.descriptor = descriptor;
        this.inputName = inputName;
        this.outputName = outputName;
        this.featureCount = featureCount;
        this.batch = batch;
        this.classes = classes;
        this.labels = List.copyOf(labels);
    }

    /**
     * Creates a session for {@code file} and checks it against the inference contract: one float input of shape
     * [1 or dynamic, F], a float output of [1, C] whose C matches the class labels. Labels come from the model's
     * {@code class_labels} metadata, else from the descriptor.
     *
     * @throws InvalidModelException when the model does not fit the contract (the session is closed)
     */
    public static LoadedModel load(OrtEnvironment env, Path file, ModelDescriptor descriptor, int threads)
            throws OrtException, InvalidModelException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Math.max(1, threads));
        options.setInterOpNumThreads(1);
        OrtSession session;
        try {
            session = env.createSession(file.toString(), options);
        } finally {
            options.close();
        }
        try {
            return inspect(session, descriptor);
        } catch (InvalidModelException | OrtException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static LoadedModel inspect(OrtSession session, ModelDescriptor descriptor)
            throws OrtException, InvalidModelException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new InvalidModelException("model has " + inputs.size() + " inputs, expected 1");
        }
        var input = inputs.values().iterator().next();
        if (!(input.getInfo() instanceof TensorInfo in) || in.type != OnnxJavaType.FLOAT) {
            throw new InvalidModelException("model input " + input.getName() + " is not a float tensor");
        }
        long[] inShape = in.getShape();
        if (inShape.length != 2) {
            throw new InvalidModelException("model input shape " + Arrays.toString(inShape) + " is not [1, F]");
        }
        int features = inShape[1] > 0 ? (int) inShape[1] : descriptor.featureCount();
        if (features <= 0) {
            throw new InvalidModelException(
                    "model input has a dynamic feature dimension and no feature count is known");
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo output = outputs.containsKey("probabilities")
                ? outputs.get("probabilities")
                : outputs.values().iterator().next();
        if (!(output.getInfo() instanceof TensorInfo out) || out.type != OnnxJavaType.FLOAT) {
            throw new InvalidModelException("model output " + output.getName() + " is not a float tensor");
        }
        long[] outShape = out.getShape();
        long classes = outShape.length == 0 ? -1 : outShape[outShape.length - 1];
        List<String> labels = session.getMetadata()
                .getCustomMetadataValue(CLASS_LABELS_KEY)
                .filter(s -> !s.isBlank())
                .map(s -> Arrays.stream(s.split(",")).map(String::trim).toList())
                .orElse(descriptor.classLabels());
        if (classes > 0 && !labels.isEmpty() && labels.size() != classes) {
            throw new InvalidModelException(
                    "model has " + classes + " output classes but " + labels.size() + " class labels " + labels);
        }
        if (labels.isEmpty() && classes > 0) {
            List<String> generated = new ArrayList<>();
            for (int i = 0; i < classes; i++) {
                generated.add("class-" + i);
            }
            labels = generated;
        }
        long batch = inShape[0] > 0 ? inShape[0] : -1;
        if (batch > 1) {
            throw new InvalidModelException("model input has a fixed batch of " + batch + ", expected 1 or dynamic");
        }
        return new LoadedModel(
                session,
                descriptor,
                input.getName(),
                output.getName(),
                features,
                batch,
                classes > 0 ? (int) classes : labels.size(),
                labels);
    }

    /** Takes a reference for one inference; false once the model was released by its holder and closed. */
    boolean tryAcquire() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the session. */
    void release() {
        if (refs.decrementAndGet() == 0) {
            try {
                session.close();
            } catch (OrtException e) {
                // nothing else holds the session; a failed close only leaks native memory
                org.jboss.logging.Logger.getLogger(LoadedModel.class)
                        .warnf("closing session of %s failed: %s", descriptor.modelName(), e.getMessage());
            }
        }
    }

    /** Whether the session was closed (every reference released). */
    public boolean isClosed() {
        return refs.get() <= 0;
    }

    /**
     * Validates and runs one input. The caller must hold a reference.
     *
     * @throws InvalidInputException for a wrong feature count or non-finite values
     */
    Prediction run(OrtEnvironment env, float[] features) {
        validate(features);
        long start = System.nanoTime();
        float[] scores;
        try (OnnxTensor tensor =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(features), new long[] {1, featureCount});
                OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(outputName))) {
            Object value = result.get(0).getValue();
            if (value instanceof float[][] rows) {
                scores = rows[0];
            } else if (value instanceof float[] row) {
                scores = row;
            } else {
                throw new InferenceFailedException(
                        descriptor,
                        new IllegalStateException(
                                "unexpected output type " + value.getClass().getSimpleName()));
            }
        } catch (OrtException e) {
            throw new InferenceFailedException(descriptor, e);
        }
        float[] probabilities = toProbabilities(scores);
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        long latencyUs = (System.nanoTime() - start) / 1000;
        inferences.incrementAndGet();
        String label = best < labels.size() ? labels.get(best) : "class-" + best;
        return new Prediction(descriptor, label, best, probabilities, latencyUs);
    }

    /**
     * Validates and runs {@code rows} inputs given row-major in {@code data}. A model with a fixed batch of 1 runs
     * row by row. The caller must hold a reference.
     *
     * @throws InvalidInputException for a wrong value count or non-finite values
     */
    BatchPrediction runBatch(OrtEnvironment env, float[] data, int rows) {
        List<InputProblem> problems = new ArrayList<>();
        if (rows < 1) {
            problems.add(new InputProblem("shape", "batch size must be at least 1, got " + rows));
        } else if (data.length != (long) rows * featureCount) {
            problems.add(new InputProblem(
                    "contents",
                    "expected " + rows + " x " + featureCount + " = " + (long) rows * featureCount + " values, got "
                            + data.length));
        }
        for (int i = 0; i < data.length && problems.size() < 20; i++) {
            if (!Float.isFinite(data[i])) {
                problems.add(new InputProblem("contents[" + i + "]", "must be a finite number"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(descriptor, problems);
        }
        long start = System.nanoTime();
        float[] scores = new float[rows * classes];
        try {
            if (batch == 1) {
                for (int r = 0; r < rows; r++) {
                    float[] one = session1(env, FloatBuffer.wrap(data, r * featureCount, featureCount), 1);
                    System.arraycopy(one, 0, scores, r * classes, classes);
                }
            } else {
                float[] all = session1(env, FloatBuffer.wrap(data), rows);
                System.arraycopy(all, 0, scores, 0, scores.length);
            }
        } catch (OrtException e) {
            throw new InferenceFailedException(descriptor, e);
        }
        long latencyUs = (System.nanoTime() - start) / 1000;
        List<String> predicted = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (scores[r * classes + c] > scores[r * classes + best]) {
                    best = c;
                }
            }
            predicted.add(best < labels.size() ? labels.get(best) : "class-" + best);
        }
        inferences.addAndGet(rows);
        return new BatchPrediction(signature(), rows, classes, scores, predicted, latencyUs);
    }

    /** Runs {@code rows} rows and returns the output, row-major, checked to be {@code rows x classes}. */
    private float[] session1(OrtEnvironment env, FloatBuffer input, int rows) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input.slice(), new long[] {rows, featureCount});
                OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(outputName))) {
            if (!(result.get(0) instanceof OnnxTensor out)) {
                throw new InferenceFailedException(
                        descriptor, new IllegalStateException("output " + outputName + " is not a tensor"));
            }
            FloatBuffer values = out.getFloatBuffer();
            if (values == null || values.remaining() != rows * classes) {
                throw new InferenceFailedException(
                        descriptor,
                        new IllegalStateException(
                                "output shape " + Arrays.toString(out.getInfo().getShape()) + " is not [" + rows + ", "
                                        + classes + "]"));
            }
            float[] flat = new float[rows * classes];
            values.get(flat);
            return flat;
        }
    }

    /** Identity and tensor signature. */
    public ModelSignature signature() {
        return new ModelSignature(descriptor, inputName, outputName, batch, featureCount, classes, labels);
    }

    private void validate(float[] features) {
        List<InputProblem> problems = new ArrayList<>();
        if (features.length != featureCount) {
            problems.add(new InputProblem("features", "expected " + featureCount + " values, got " + features.length));
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                problems.add(new InputProblem("features[" + i + "]", "must be a finite number"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(descriptor, problems);
        }
    }

    /** Scores as probabilities: kept when they already are a distribution, otherwise softmax (logits). */
    static float[] toProbabilities(float[] scores) {
        double sum = 0;
        boolean inUnitRange = true;
        for (float s : scores) {
            sum += s;
            inUnitRange &= s >= 0f && s <= 1f;
        }
        if (inUnitRange && Math.abs(sum - 1.0) < 1e-3) {
            return scores.clone();
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double[] e = new double[scores.length];
        double total = 0;
        for (int i = 0; i < scores.length; i++) {
            e[i] = Math.exp(scores[i] - max);
            total += e[i];
        }
        float[] p = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            p[i] = (float) (e[i] / total);
        }
        return p;
    }

    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /** Features per input. */
    public int featureCount() {
        return featureCount;
    }

    /** Class labels in output order. */
    public List<String> labels() {
        return labels;
    }

    /** Inferences served by this model. */
    public long inferenceCount() {
        return inferences.get();
    }
}
