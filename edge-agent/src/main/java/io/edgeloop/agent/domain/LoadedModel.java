package io.edgeloop.agent.domain;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An immutable loaded model: its ONNX Runtime session, identity and {@link ModelSignature} (read from ONNX Runtime's
 * metadata: any number of inputs and outputs, N-D shapes, every {@link DataType}). Reference counted: the holder (the
 * runtime) owns one reference, each running inference another; the session closes when the last reference is
 * released, so inferences that started before a swap finish on the old session.
 */
public final class LoadedModel {
    /** Metadata key of the comma-separated class labels. */
    public static final String CLASS_LABELS_KEY = "class_labels";

    private final OrtSession session;
    private final ModelSignature signature;
    private final Set<String> outputNames;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicLong inferences = new AtomicLong();
    /** Moving average of the latency of one call, microseconds; unknown (max) until the first call. */
    private volatile long recentLatencyUs = Long.MAX_VALUE;

    private LoadedModel(OrtSession session, ModelSignature signature) {
        this.session = session;
        this.signature = signature;
        this.outputNames = new LinkedHashSet<>(
                signature.outputs().stream().map(TensorSpec::name).toList());
    }

    /**
     * Creates a session for {@code file} and reads its signature (see {@link SignatureReader}).
     *
     * @throws InvalidModelException when the model cannot be served (the session is closed)
     */
    public static LoadedModel load(OrtEnvironment env, Path file, ModelDescriptor descriptor, int threads)
            throws OrtException, InvalidModelException {
        return load(env, file, descriptor, SessionSettings.withThreads(threads));
    }

    /**
     * Creates a session for {@code file} with {@code settings} and reads its signature (see {@link SignatureReader}).
     *
     * @throws InvalidModelException when the model cannot be served (the session is closed)
     */
    public static LoadedModel load(OrtEnvironment env, Path file, ModelDescriptor descriptor, SessionSettings settings)
            throws OrtException, InvalidModelException {
        OrtSession.SessionOptions options = settings.options();
        OrtSession session;
        try {
            session = env.createSession(file.toString(), options);
        } finally {
            options.close();
        }
        try {
            return new LoadedModel(session, SignatureReader.read(session, descriptor));
        } catch (InvalidModelException | OrtException | RuntimeException e) {
            session.close();
            throw e;
        }
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
                        .warnf("closing session of %s failed: %s", descriptor().modelName(), e.getMessage());
            }
        }
    }

    /** Whether the session was closed (every reference released). */
    public boolean isClosed() {
        return refs.get() <= 0;
    }

    /**
     * Validates, completes (defaults for left-out inputs) and runs {@code inputs}, returning {@code requested}
     * outputs (every output when empty). The caller must hold a reference.
     *
     * @throws InvalidInputException when the inputs do not fit the signature or an unknown output is requested
     * @throws InferenceFailedException when ONNX Runtime fails
     */
    InferenceResult run(OrtEnvironment env, Map<String, Tensor> inputs, List<String> requested) {
        List<String> outputs = requested == null || requested.isEmpty() ? List.copyOf(outputNames) : requested;
        List<InputProblem> problems = new ArrayList<>();
        for (String o : outputs) {
            if (!outputNames.contains(o)) {
                problems.add(new InputProblem(
                        "outputs", "unknown output '" + o + "'; the model's outputs are " + outputNames));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(descriptor(), problems);
        }
        InputBinder.Bound bound = InputBinder.bind(signature, inputs);
        Classification c = signature.classification();
        Set<String> fetch = new LinkedHashSet<>(outputs);
        if (c != null) {
            fetch.add(c.outputName());
        }
        long start = System.nanoTime();
        Map<String, OnnxTensor> feed = new HashMap<>();
        List<Tensor> out = new ArrayList<>(outputs.size());
        Tensor scores = null;
        try {
            int slot = 0;
            for (Tensor t : bound.inputs().values()) {
                // this thread's buffer for the input: reused by its next inference, after the feed is closed
                var buffer =
                        InputBuffers.forInput(slot++, t.size() * t.datatype().bytes());
                feed.put(t.name(), TensorCodec.toOrt(env, t, buffer));
            }
            try (OrtSession.Result result = session.run(feed, fetch)) {
                for (String name : fetch) {
                    Tensor t = read(result, name);
                    if (outputs.contains(name)) {
                        out.add(t);
                    }
                    if (c != null && name.equals(c.outputName())) {
                        scores = t;
                    }
                }
            }
        } catch (OrtException | RuntimeException e) {
            throw new InferenceFailedException(descriptor(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
        List<String> labels = List.of();
        int[] classIndices = new int[0];
        float[] confidences = new float[0];
        if (c != null) {
            if (scores.size() != (long) bound.batch() * c.classes()) {
                throw new InferenceFailedException(
                        descriptor(),
                        new IllegalStateException("output " + c.outputName() + " has shape "
                                + Arrays.toString(scores.shape()) + ", expected [" + bound.batch() + ", "
                                + c.classes() + "]"));
            }
            List<String> l = new ArrayList<>(bound.batch());
            classIndices = new int[bound.batch()];
            confidences = new float[bound.batch()];
            for (int r = 0; r < bound.batch(); r++) {
                int best = c.best(scores, r);
                l.add(c.labels().get(best));
                classIndices[r] = best;
                confidences[r] = c.probabilities(scores, r)[best];
            }
            labels = l;
        }
        long latencyUs = (System.nanoTime() - start) / 1000;
        long previous = recentLatencyUs;
        recentLatencyUs = previous == Long.MAX_VALUE ? latencyUs : (7 * previous + latencyUs) / 8;
        inferences.addAndGet(bound.batch());
        return new InferenceResult(
                signature, bound.batch(), bound.features(), out, labels, classIndices, confidences, latencyUs);
    }

    private Tensor read(OrtSession.Result result, String name) {
        OnnxValue v = result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        if (!(v instanceof OnnxTensor t)) {
            throw new IllegalStateException("output " + name + " is not a tensor");
        }
        return TensorCodec.fromOrt(name, signature.output(name).orElseThrow().datatype(), t);
    }

    /**
     * Runs one sample given as the flat elements of the feature input (reshaped to it; other inputs take their
     * defaults). The caller must hold a reference.
     *
     * @throws InvalidInputException for a wrong element count or non-finite values (fields {@code features},
     *     {@code features[i]})
     */
    Prediction run(OrtEnvironment env, float[] features) {
        TensorSpec in = signature.featureInput();
        List<InputProblem> problems = new ArrayList<>();
        long[] shape = signature.featureShape(1);
        if (shape == null) {
            problems.add(new InputProblem(
                    "features",
                    "the feature input " + in + " has dynamic dimensions: send" + " the tensor with its shape"));
        } else if (features.length != signature.featureCount()) {
            problems.add(new InputProblem(
                    "features", "expected " + signature.featureCount() + " values, got " + features.length));
        }
        for (int i = 0; i < features.length && problems.size() < 20; i++) {
            if (!Float.isFinite(features[i])) {
                problems.add(new InputProblem("features[" + i + "]", "must be a finite number"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(descriptor(), problems);
        }
        Object data = in.datatype().newArray(features.length);
        for (int i = 0; i < features.length; i++) {
            Tensor.set(in.datatype(), data, i, features[i]);
        }
        InferenceResult r = run(env, Map.of(in.name(), new Tensor(in.name(), in.datatype(), shape, data)), List.of());
        return prediction(r);
    }

    /** The single-sample view of a result: label and probabilities of sample 0 when the model is a classifier. */
    static Prediction prediction(InferenceResult r) {
        Classification c = r.model().classification();
        if (c == null) {
            return new Prediction(r.model().descriptor(), null, -1, null, r.latencyUs(), r.outputs());
        }
        Tensor scores = r.output(c.outputName());
        int best = c.labels().indexOf(r.labels().get(0));
        return new Prediction(
                r.model().descriptor(),
                r.labels().get(0),
                scores == null ? best : c.best(scores, 0),
                scores == null ? null : c.probabilities(scores, 0),
                r.latencyUs(),
                r.outputs());
    }

    /** Identity and tensor signature. */
    public ModelSignature signature() {
        return signature;
    }

    /** Scores as probabilities (see {@link Classification#toProbabilities}). */
    static float[] toProbabilities(float[] scores) {
        return Classification.toProbabilities(scores);
    }

    public ModelDescriptor descriptor() {
        return signature.descriptor();
    }

    /** Elements of one feature sample (-1 when dynamic). */
    public int featureCount() {
        return signature.featureCount();
    }

    /** Class labels in output order (empty when the model is not a classifier). */
    public List<String> labels() {
        return signature.labels();
    }

    /**
     * Moving average of the time one call spends in ONNX Runtime, microseconds; {@link Long#MAX_VALUE} before the
     * first call.
     */
    public long recentLatencyUs() {
        return recentLatencyUs;
    }

    /** Inferences (samples) served by this model. */
    public long inferenceCount() {
        return inferences.get();
    }

    /** ONNX Runtime's description of an input or output, for {@link SignatureReader}. */
    static TensorInfo tensorInfo(NodeInfo node) {
        return node.getInfo() instanceof TensorInfo t ? t : null;
    }
}
