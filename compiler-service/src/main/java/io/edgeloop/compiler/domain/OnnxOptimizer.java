package io.edgeloop.compiler.domain;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Produces a variant of an ONNX model with ONNX Runtime's graph optimizer: a session is created with the configured
 * optimization level and an optimized-model output path, and ONNX Runtime writes the optimized graph while it
 * initializes the session, as ONNX ({@link VariantTarget#CPU_FP32_ORTOPT}) or in ORT format for minimal runtimes
 * ({@link VariantTarget#CPU_ORT_FORMAT}, config entry {@code session.save_model_format=ORT}).
 */
public final class OnnxOptimizer {
    private final OrtEnvironment env;
    private final OptLevel level;
    private final int intraOpThreads;

    public OnnxOptimizer(OrtEnvironment env, OptLevel level, int intraOpThreads) {
        this.env = env;
        this.level = level;
        this.intraOpThreads = intraOpThreads;
    }

    /**
     * Writes the {@code target} variant of {@code source} into {@code outDir}.
     *
     * @return the written file ({@link VariantTarget#fileName()} in {@code outDir})
     * @throws InvalidModelException when ONNX Runtime cannot load or optimize the model; no file is left behind
     */
    public Path optimize(Path source, VariantTarget target, Path outDir) {
        Path out = outDir.resolve(target.fileName());
        try (SessionOptions o = new SessionOptions()) {
            o.setOptimizationLevel(level);
            o.setIntraOpNumThreads(intraOpThreads);
            o.setInterOpNumThreads(1);
            o.setOptimizedModelFilePath(out.toString());
            if (target == VariantTarget.CPU_ORT_FORMAT) {
                o.addConfigEntry("session.save_model_format", "ORT");
            }
            try (OrtSession ignored = env.createSession(source.toString(), o)) {
                // creating the session writes the optimized model
            }
        } catch (OrtException e) {
            deleteQuietly(out);
            throw new InvalidModelException(
                    source.getFileName() + " cannot be optimized for " + target.id() + ": " + e.getMessage(), e);
        }
        try {
            if (!Files.isRegularFile(out) || Files.size(out) == 0) {
                deleteQuietly(out);
                throw new InvalidModelException("ONNX Runtime wrote no " + target.id() + " model");
            }
        } catch (IOException e) {
            deleteQuietly(out);
            throw new InvalidModelException("cannot read the " + target.id() + " model: " + e.getMessage(), e);
        }
        return out;
    }

    /** How a variant was produced, for the registry's settings map. */
    public Map<String, String> settings(VariantTarget target) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("optimization_level", level.name());
        s.put("format", target.format());
        s.put("execution_provider", "CPU");
        s.put("onnxruntime_version", env.getVersion());
        s.put("intra_op_threads", Integer.toString(intraOpThreads));
        return s;
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the caller's work folder is removed afterwards
        }
    }
}
