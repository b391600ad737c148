package io.edgeloop.agent.domain;

import ai.onnxruntime.OrtEnvironment;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The active model, swapped (or unloaded) atomically. {@link #infer} pins the model it started on (a reference
 * count), so a swap or an unload never fails or mixes an in-flight inference: the old session closes when its last
 * inference finishes.
 */
public final class ModelRuntime implements AutoCloseable {
    private final OrtEnvironment env;
    private final AtomicReference<LoadedModel> active = new AtomicReference<>();

    public ModelRuntime(OrtEnvironment env) {
        this.env = env;
    }

    public OrtEnvironment environment() {
        return env;
    }

    /** The active model, if any. */
    public Optional<LoadedModel> active() {
        return Optional.ofNullable(active.get());
    }

    /**
     * Makes {@code next} the active model and releases the previous one (closed once its in-flight inferences end).
     *
     * @return the previous model, or null
     */
    public LoadedModel activate(LoadedModel next) {
        LoadedModel previous = active.getAndSet(next);
        if (previous != null) {
            previous.release();
        }
        return previous;
    }

    /**
     * Stops serving: no model is active afterwards (inferences get {@link NoModelException}). The previous model is
     * released; its session closes once its in-flight inferences end, so a request racing the unload either completes
     * on it or finds no model.
     *
     * @return the model that was active, or null
     */
    public LoadedModel unload() {
        LoadedModel previous = active.getAndSet(null);
        if (previous != null) {
            previous.release();
        }
        return previous;
    }

    /**
     * Runs one input on the active model.
     *
     * @throws NoModelException when no model is loaded
     * @throws InvalidInputException when the input does not fit the model
     * @throws InferenceFailedException when ONNX Runtime fails
     */
    public Prediction infer(float[] features) {
        LoadedModel model = pin();
        try {
            return model.run(env, features);
        } finally {
            model.release();
        }
    }

    /**
     * Runs a batch (row-major {@code data}, {@code rows} rows) on the active model, which must be {@code modelName}
     * (and {@code modelVersion} unless blank). The model is pinned for the whole batch.
     *
     * @throws NoModelException when no model is loaded
     * @throws ModelNotServedException when the active model is another one
     * @throws InvalidInputException when the input does not fit the model
     * @throws InferenceFailedException when ONNX Runtime fails
     */
    public BatchPrediction inferBatch(String modelName, String modelVersion, float[] data, int rows) {
        LoadedModel model = pin();
        try {
            ModelDescriptor d = model.descriptor();
            if (!d.modelName().equals(modelName)) {
                throw new ModelNotServedException(
                        "model '" + modelName + "' is not served here (serving '" + d.modelName() + "')");
            }
            if (modelVersion != null
                    && !modelVersion.isBlank()
                    && !modelVersion.equals(String.valueOf(d.modelVersion()))) {
                throw new ModelNotServedException("version " + modelVersion + " of '" + modelName
                        + "' is not served here (serving version " + d.modelVersion() + ")");
            }
            return model.runBatch(env, data, rows);
        } finally {
            model.release();
        }
    }

    private LoadedModel pin() {
        while (true) {
            LoadedModel model = active.get();
            if (model == null) {
                throw new NoModelException();
            }
            if (model.tryAcquire()) {
                return model;
            }
            // swapped out and closed between the read and the acquire: the reference now holds a newer model
        }
    }

    @Override
    public void close() {
        unload();
    }
}
