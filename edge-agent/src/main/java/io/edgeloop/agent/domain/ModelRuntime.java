package io.edgeloop.agent.domain;

import ai.onnxruntime.OrtEnvironment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The models served on this device, one slot per model name, each swapped (or unloaded) atomically and independently
 * of the others. An inference pins the model it started on (a reference count), so a swap or an unload never fails
 * or mixes an in-flight inference: the old session closes when its last inference finishes.
 *
 * <p>ONNX Runtime starts lazily (issue 15, the lean agent): its native library is loaded and its environment created
 * when the first model is loaded ({@link #environment()}), so an agent that serves nothing does not pay for it.
 */
public final class ModelRuntime implements AutoCloseable {
    private final Supplier<OrtEnvironment> starter;
    private final Map<String, LoadedModel> slots = new ConcurrentHashMap<>();
    private volatile OrtEnvironment env;
    private volatile String defaultModel = "";

    /** A runtime on an environment that is already running. */
    public ModelRuntime(OrtEnvironment env) {
        this.env = env;
        this.starter = () -> env;
    }

    /** A runtime that calls {@code starter} (once) when ONNX Runtime is first needed. */
    public ModelRuntime(Supplier<OrtEnvironment> starter) {
        this.starter = starter;
    }

    /** ONNX Runtime's environment, started (native library loaded) on the first call. */
    public OrtEnvironment environment() {
        OrtEnvironment e = env;
        if (e == null) {
            synchronized (this) {
                e = env;
                if (e == null) {
                    e = java.util.Objects.requireNonNull(starter.get(), "ONNX Runtime environment");
                    env = e;
                }
            }
        }
        return e;
    }

    /** Whether ONNX Runtime was started ({@link #environment()} was called). */
    public boolean started() {
        return env != null;
    }

    /**
     * The ONNX Runtime version, without starting it when the library's jar names its version (its manifest's
     * {@code Implementation-Version}); else from the started runtime.
     */
    public String runtimeVersion() {
        Package p = OrtEnvironment.class.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        return version == null || version.isBlank() ? environment().getVersion() : version;
    }

    /** Names the model that {@link #active()} and the single-model calls use when several are served. */
    public void defaultModel(String name) {
        defaultModel = name == null ? "" : name;
    }

    /** Every served model, by name. */
    public List<LoadedModel> models() {
        List<LoadedModel> all = new ArrayList<>(slots.values());
        all.sort(Comparator.comparing(m -> m.descriptor().modelName()));
        return all;
    }

    /** The model served under {@code name}, if any. */
    public Optional<LoadedModel> get(String name) {
        return Optional.ofNullable(slots.get(name));
    }

    /**
     * The default model: the configured one, else the only one served, else the first by name (empty when none is
     * served, or the configured one is not).
     */
    public Optional<LoadedModel> active() {
        if (!defaultModel.isBlank()) {
            return get(defaultModel);
        }
        List<LoadedModel> all = models();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /**
     * Makes {@code next} the model served under its name and releases the one it replaces (closed once its in-flight
     * inferences end). Other models are untouched.
     *
     * @return the replaced model, or null
     */
    public LoadedModel activate(LoadedModel next) {
        LoadedModel previous = slots.put(next.descriptor().modelName(), next);
        if (previous != null) {
            previous.release();
        }
        return previous;
    }

    /**
     * Stops serving {@code name}; its session closes once its in-flight inferences end, so a request racing the
     * unload either completes on it or finds no model.
     *
     * @return the model that was served, or null
     */
    public LoadedModel unload(String name) {
        LoadedModel previous = slots.remove(name);
        if (previous != null) {
            previous.release();
        }
        return previous;
    }

    /**
     * Stops serving every model.
     *
     * @return the model that was the default one, or null
     */
    public LoadedModel unload() {
        LoadedModel first = active().orElse(null);
        for (String name : List.copyOf(slots.keySet())) {
            unload(name);
        }
        return first;
    }

    /**
     * Runs one sample (the flat elements of the feature input) on the default model.
     *
     * @throws NoModelException when no model is loaded
     * @throws InvalidInputException when the input does not fit the model
     * @throws InferenceFailedException when ONNX Runtime fails
     */
    public Prediction infer(float[] features) {
        LoadedModel model = pinDefault();
        try {
            return model.run(environment(), features);
        } finally {
            model.release();
        }
    }

    /**
     * Runs one sample (the flat elements of the feature input) on model {@code name}.
     *
     * @throws NoModelException when no model is loaded
     * @throws ModelNotServedException when {@code name} is not served
     */
    public Prediction infer(String name, float[] features) {
        LoadedModel model = pin(name, "");
        try {
            return model.run(environment(), features);
        } finally {
            model.release();
        }
    }

    /**
     * Runs named input tensors on {@code modelName} (and {@code modelVersion} unless blank), returning the
     * {@code requested} outputs (all when empty). The model is pinned for the whole call.
     *
     * @throws NoModelException when no model is loaded at all
     * @throws ModelNotServedException when that model (or version) is not served
     * @throws InvalidInputException when the input does not fit the model
     * @throws InferenceFailedException when ONNX Runtime fails
     */
    public InferenceResult run(
            String modelName, String modelVersion, Map<String, Tensor> inputs, List<String> requested) {
        LoadedModel model = pin(modelName, modelVersion);
        try {
            return model.run(environment(), inputs, requested);
        } finally {
            model.release();
        }
    }

    /** The model {@code name} at {@code version} (blank = any), or why not. */
    public LoadedModel served(String name, String version) {
        LoadedModel m = slots.get(name);
        if (m == null) {
            if (slots.isEmpty()) {
                throw new NoModelException();
            }
            throw new ModelNotServedException("model '" + name + "' is not served here (serving "
                    + models().stream().map(x -> x.descriptor().modelName()).toList() + ")");
        }
        if (version != null
                && !version.isBlank()
                && !version.equals(String.valueOf(m.descriptor().modelVersion()))) {
            throw new ModelNotServedException("version " + version + " of '" + name
                    + "' is not served here (serving version " + m.descriptor().modelVersion() + ")");
        }
        return m;
    }

    private LoadedModel pinDefault() {
        while (true) {
            LoadedModel model = active().orElseThrow(NoModelException::new);
            if (model.tryAcquire()) {
                return model;
            }
        }
    }

    private LoadedModel pin(String name, String version) {
        while (true) {
            LoadedModel model = served(name, version);
            if (model.tryAcquire()) {
                return model;
            }
            // swapped out and closed between the read and the acquire: the slot now holds a newer model or none
        }
    }

    @Override
    public void close() {
        unload();
    }
}
