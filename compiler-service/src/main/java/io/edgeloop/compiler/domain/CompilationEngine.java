package io.edgeloop.compiler.domain;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.common.Hashing;
import io.edgeloop.compiler.onnx.Calibrator;
import io.edgeloop.compiler.onnx.DeviceEstimate;
import io.edgeloop.compiler.onnx.DeviceEstimator;
import io.edgeloop.compiler.onnx.DynamicQuantizer;
import io.edgeloop.compiler.onnx.MagnitudePruner;
import io.edgeloop.compiler.onnx.OnnxChecker;
import io.edgeloop.compiler.onnx.StaticQuantizer;
import io.edgeloop.compiler.onnx.TargetProfile;
import io.edgeloop.compiler.onnx.Tensors;
import io.edgeloop.proto.model.v1.ModelSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compiles one float model: checks and evaluates it, produces every configured {@link VariantTarget} (ONNX Runtime
 * graph optimization, ORT format, magnitude pruning, static QDQ and dynamic int8 quantization), checks each ONNX
 * variant against the ONNX structural rules, evaluates it on the same samples, judges it against the float model
 * and estimates it on its target profile. A variant outside the accuracy budget, one that fails the checker and one
 * that does not fit its profile are rejected with the reason. Pure computation on local files; no network, no
 * database.
 *
 * <p>Peak memory ({@link MemoryProbeMode}): with a {@link SessionMemoryProbe}, every model is first measured in its
 * own child JVM, before it is loaded in this process: the float model (a crash, hang or refusal there fails the
 * compilation as an invalid model), then all produced variants, {@link SessionMemoryProbe#parallelism()} at a time
 * and before any variant's latency is measured here (a variant that crashes the child is rejected with the reason
 * and never loaded here). Otherwise the evaluator's in-process measurement is used, or none.
 */
public final class CompilationEngine {
    private final OnnxOptimizer optimizer;
    private final ModelEvaluator evaluator;
    private final VariantValidator validator;
    private final CompilerOptions options;
    private final OrtEnvironment env;
    private final SessionMemoryProbe probe;

    /** An engine producing the ONNX Runtime fp32 variants only. */
    public CompilationEngine(OnnxOptimizer optimizer, ModelEvaluator evaluator, VariantValidator validator) {
        this(optimizer, evaluator, validator, CompilerOptions.fp32Only(), OrtEnvironment.getEnvironment());
    }

    public CompilationEngine(
            OnnxOptimizer optimizer,
            ModelEvaluator evaluator,
            VariantValidator validator,
            CompilerOptions options,
            OrtEnvironment env) {
        this(optimizer, evaluator, validator, options, env, null);
    }

    /**
     * @param probe measures each model's session in a child JVM; null: peak memory is what {@code evaluator}
     *     measures in this process (or nothing)
     */
    public CompilationEngine(
            OnnxOptimizer optimizer,
            ModelEvaluator evaluator,
            VariantValidator validator,
            CompilerOptions options,
            OrtEnvironment env,
            SessionMemoryProbe probe) {
        this.optimizer = optimizer;
        this.evaluator = evaluator;
        this.validator = validator;
        this.options = options;
        this.env = env;
        this.probe = probe;
    }

    /** How peak memory is measured by this engine. */
    public MemoryProbeMode memoryProbeMode() {
        if (probe != null) {
            return MemoryProbeMode.ISOLATED;
        }
        return evaluator.measuresProcessMemory() ? MemoryProbeMode.IN_PROCESS : MemoryProbeMode.OFF;
    }

    public VariantValidator validator() {
        return validator;
    }

    public CompilerOptions options() {
        return options;
    }

    /** {@link #run(Path, ValidationSet, ValidationSet, Path)} calibrating on the validation samples. */
    public EngineResult run(Path floatModel, ValidationSet data, Path outDir) {
        return run(floatModel, data, data, outDir);
    }

    /**
     * Compiles {@code floatModel}, writing variant files into {@code outDir}; files that no accepted variant uses are
     * deleted.
     *
     * @param data validation samples every variant is judged on
     * @param calibration samples the static quantizer calibrates activations on
     * @throws InvalidModelException when the float model cannot be loaded, run or fails the ONNX checker; nothing is
     *     left in {@code outDir}
     * @throws CompilationFailure when the validation data does not fit the model
     */
    public EngineResult run(Path floatModel, ValidationSet data, ValidationSet calibration, Path outDir) {
        return run(floatModel, data, calibration, outDir, ModelIo.AUTO, 0);
    }

    /**
     * {@link #run(Path, ValidationSet, ValidationSet, Path)} feeding the model as {@code io} declares (see
     * {@link IoPlan}); {@code labels} is the number of class labels (0 when unknown).
     */
    public EngineResult run(
            Path floatModel, ValidationSet data, ValidationSet calibration, Path outDir, ModelIo io, int labels) {
        OnnxMl.ModelProto parsed = OnnxGraphs.parseOrNull(floatModel);
        Feeds feeds = feeds(floatModel, parsed, io, data);
        SessionMemoryProbe.Measurement floatMemory = null;
        if (probe != null) {
            // a model that crashes ONNX Runtime takes the child down, not this process
            SessionMemoryProbe.Outcome o = probe.measureAll(List.of(request(floatModel, feeds, OptLevel.NO_OPT)))
                    .get(0);
            if (o.failure() instanceof SessionMemoryProbe.ModelFailure f) {
                throw f;
            }
            floatMemory = o.measurement();
        }
        Judging judging = new Judging(data, io, labels);
        ModelEvaluation evaluated =
                evaluator.evaluate(floatModel, data, OptLevel.NO_OPT, evaluator.measuresProcessMemory(), io, labels);
        ModelEvaluation reference =
                floatMemory == null ? evaluated : evaluated.withPeakMemoryBytes(floatMemory.peakBytes());
        OnnxMl.ModelProto source = parsed != null ? parsed : OnnxGraphs.parse(floatModel);
        List<String> problems = OnnxChecker.check(source);
        if (!problems.isEmpty()) {
            throw new InvalidModelException(
                    floatModel.getFileName() + " fails the ONNX checker: " + String.join("; ", problems));
        }
        int floatNodes = source.getGraph().getNodeCount();
        Map<VariantTarget.Method, Produced> produced = new EnumMap<>(VariantTarget.Method.class);
        List<VariantOutcome> outcomes = new ArrayList<>();
        Map<VariantTarget.Method, Draft> drafts = new EnumMap<>(VariantTarget.Method.class);
        try {
            for (VariantTarget target : options.orderedTargets()) {
                drafts.computeIfAbsent(
                        target.method(), m -> produce(target, floatModel, source, calibration, io, outDir));
            }
            ortFormatDomains(drafts);
            Map<VariantTarget.Method, SessionMemoryProbe.Outcome> memory = probeVariants(drafts, feeds);
            // latency is measured only after every probe has finished
            drafts.forEach((m, d) -> produced.put(m, judge(d, memory.get(m), reference, judging)));
            for (VariantTarget target : options.orderedTargets()) {
                outcomes.add(outcome(target, produced.get(target.method()), source, labels));
            }
        } catch (RuntimeException e) {
            drafts.values().forEach(d -> {
                if (d.file != null) {
                    OnnxOptimizer.deleteQuietly(d.file);
                }
            });
            throw e;
        }
        Set<Path> kept = new HashSet<>();
        outcomes.stream().filter(VariantOutcome::accepted).forEach(o -> kept.add(o.artifact()));
        for (Produced p : produced.values()) {
            if (p.file() != null && !kept.contains(p.file())) {
                OnnxOptimizer.deleteQuietly(p.file());
            }
        }
        return new EngineResult(reference, floatNodes, List.copyOf(outcomes));
    }

    /** The validation data and how it feeds the model. */
    private record Judging(ValidationSet data, ModelIo io, int labels) {}

    /** The probe's inputs, from the ONNX graph (empty when they cannot be planned: the session is only created). */
    private record Feeds(List<InputFeed> inputs, int batch) {}

    private Feeds feeds(Path model, OnnxMl.ModelProto parsed, ModelIo io, ValidationSet data) {
        int batch = Math.max(1, Math.min(evaluator.batchSize(), data.size()));
        if (parsed == null) {
            return new Feeds(List.of(), batch);
        }
        try {
            List<InputFeed> inputs =
                    IoPlan.feeds(model.getFileName().toString(), IoPlan.graphInputs(parsed), io, data.featureCount());
            return new Feeds(inputs, IoPlan.batch(inputs, batch));
        } catch (RuntimeException e) {
            // the in-process evaluation reports why the model cannot be fed
            return new Feeds(List.of(), batch);
        }
    }

    private SessionMemoryProbe.Request request(Path model, Feeds feeds, OptLevel level) {
        return new SessionMemoryProbe.Request(
                model, null, level, evaluator.intraOpThreads(), feeds.batch(), feeds.inputs());
    }

    /** An ORT-format file uses the operators of the ORT-optimized ONNX graph (same optimization level). */
    private static void ortFormatDomains(Map<VariantTarget.Method, Draft> drafts) {
        Draft ort = drafts.get(VariantTarget.Method.ORT_FORMAT);
        Draft onnx = drafts.get(VariantTarget.Method.ORT_OPTIMIZED);
        if (ort != null && onnx != null && onnx.file != null) {
            drafts.put(VariantTarget.Method.ORT_FORMAT, ort.withDomains(onnx.domains));
        }
    }

    /** Measures every produced variant that is to be evaluated (none without a probe). */
    private Map<VariantTarget.Method, SessionMemoryProbe.Outcome> probeVariants(
            Map<VariantTarget.Method, Draft> drafts, Feeds feeds) {
        Map<VariantTarget.Method, SessionMemoryProbe.Outcome> result = new EnumMap<>(VariantTarget.Method.class);
        if (probe == null) {
            return result;
        }
        List<VariantTarget.Method> methods = new ArrayList<>();
        List<SessionMemoryProbe.Request> requests = new ArrayList<>();
        drafts.forEach((m, d) -> {
            if (d.verdict == null) {
                methods.add(m);
                requests.add(request(d.file, feeds, d.evalLevel));
            }
        });
        List<SessionMemoryProbe.Outcome> outcomes = probe.measureAll(requests);
        for (int i = 0; i < methods.size(); i++) {
            result.put(methods.get(i), outcomes.get(i));
        }
        return result;
    }

    /**
     * A produced artifact before it is judged; {@code verdict} is set when it is already unusable (not produced,
     * fails the checker).
     */
    private record Draft(
            Path file,
            VariantVerdict verdict,
            Map<String, String> settings,
            Map<String, Double> extra,
            int opset,
            double sparsity,
            long weightBytes,
            OptLevel evalLevel,
            Set<String> domains) {
        Draft withDomains(Set<String> d) {
            return new Draft(file, verdict, settings, extra, opset, sparsity, weightBytes, evalLevel, d);
        }
    }

    /** A judged draft, shared by the targets made the same way: final verdict, settings and figures. */
    private record Produced(
            Draft draft,
            VariantVerdict verdict,
            Map<String, String> settings,
            Map<String, Double> extra,
            long peakMemoryBytes,
            ModelEvaluation evaluation) {
        Path file() {
            return draft.file();
        }
    }

    private Draft produce(
            VariantTarget target,
            Path floatModel,
            OnnxMl.ModelProto source,
            ValidationSet calibration,
            ModelIo io,
            Path outDir) {
        Map<String, String> settings = new LinkedHashMap<>(optimizer.settings(target));
        Map<String, Double> extra = new LinkedHashMap<>();
        settings.put("quantization", target.method().quantization());
        Path file = outDir.resolve(target.fileName());
        double sparsity = 0;
        OnnxMl.ModelProto written = null;
        OptLevel evalLevel = OptLevel.NO_OPT;
        try {
            switch (target.method()) {
                case ORT_OPTIMIZED, ORT_FORMAT -> file = optimizer.optimize(floatModel, target, outDir);
                case PRUNED -> {
                    MagnitudePruner.Result r = MagnitudePruner.prune(source, options.pruningSparsity());
                    written = r.model();
                    sparsity = r.sparsity();
                    settings.put("pruning_target_sparsity", Double.toString(options.pruningSparsity()));
                    settings.put("optimization_level", "NO_OPT");
                }
                case STATIC_INT8 -> {
                    Set<String> tensors = StaticQuantizer.activationsToCalibrate(source);
                    Map<String, float[]> ranges = calibrate(source, tensors, calibration, io);
                    StaticQuantizer.Result r = StaticQuantizer.quantize(source, ranges, options.unsignedActivations());
                    written = r.model();
                    extra.put("quantized_nodes", (double) r.quantizedNodes());
                    settings.put("activation_type", options.unsignedActivations() ? "uint8" : "int8");
                    settings.put("weight_type", "int8-per-channel-symmetric");
                    settings.put(
                            "calibration_method", options.calibration().name().toLowerCase(Locale.ROOT));
                    if (options.calibration() == Calibrator.Method.PERCENTILE) {
                        settings.put("calibration_percentile", Double.toString(options.percentile()));
                    }
                    settings.put("calibration_samples", Integer.toString(calibration.size()));
                    settings.put("optimization_level", "NO_OPT (QDQ, fused by ONNX Runtime at load)");
                    evalLevel = options.quantizedLoadLevel();
                }
                case DYNAMIC_INT8 -> {
                    DynamicQuantizer.Result r = DynamicQuantizer.quantize(source);
                    written = r.model();
                    extra.put("quantized_nodes", (double) r.quantizedNodes());
                    // Conv weights are the same symmetric int8 values stored as uint8 with zero point 128 (ConvInteger)
                    settings.put("weight_type", "int8-per-channel-symmetric (uint8+128 for ConvInteger)");
                    settings.put("optimization_level", "NO_OPT (fused by ONNX Runtime at load)");
                    evalLevel = options.quantizedLoadLevel();
                }
            }
            if (written != null) {
                Files.write(file, written.toByteArray());
            }
        } catch (OrtException | RuntimeException e) {
            // whatever the quantizers or the optimizer cannot handle rejects this variant only
            OnnxOptimizer.deleteQuietly(file);
            return new Draft(
                    null,
                    VariantVerdict.unusable(target.id() + " cannot be produced: " + e.getMessage()),
                    settings,
                    extra,
                    0,
                    0,
                    0,
                    evalLevel,
                    Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        settings.put("evaluation_optimization_level", evalLevel.name());
        int opset = (int) Tensors.defaultOpset(source);
        long weightBytes = DeviceEstimator.weightBytes(source.getGraph());
        Set<String> domains = OnnxGraphs.opDomains(source);
        if (target.format().equals("onnx")) {
            OnnxMl.ModelProto variant = written != null ? written : OnnxGraphs.parse(file);
            opset = (int) Tensors.defaultOpset(variant);
            domains = OnnxGraphs.opDomains(variant);
            weightBytes = DeviceEstimator.weightBytes(variant.getGraph());
            extra.put("graph_nodes", (double) variant.getGraph().getNodeCount());
            List<String> problems = OnnxChecker.check(variant);
            if (!problems.isEmpty()) {
                return new Draft(
                        file,
                        VariantVerdict.unusable("fails the ONNX checker: " + String.join("; ", problems)),
                        settings,
                        extra,
                        opset,
                        sparsity,
                        weightBytes,
                        evalLevel,
                        domains);
            }
        }
        extra.put("opset", (double) opset);
        if (target.method() == VariantTarget.Method.PRUNED) {
            extra.put("sparsity", sparsity);
        }
        return new Draft(file, null, settings, extra, opset, sparsity, weightBytes, evalLevel, domains);
    }

    /** Calibrates on the samples, feeding a model with several inputs as {@code io} declares (see {@link IoPlan}). */
    private Map<String, float[]> calibrate(
            OnnxMl.ModelProto source, Set<String> tensors, ValidationSet calibration, ModelIo io) throws OrtException {
        Calibrator calibrator = new Calibrator(env, options.calibration(), options.percentile());
        List<IoPlan.Tensor> inputs = IoPlan.graphInputs(source);
        if (inputs.size() == 1) {
            return calibrator.ranges(source, tensors, calibration.features());
        }
        List<InputFeed> feeds = IoPlan.feeds("the model", inputs, io, calibration.featureCount());
        return calibrator.ranges(
                source,
                tensors,
                calibration.size(),
                IoPlan.batch(feeds, Integer.MAX_VALUE),
                (start, b) -> InputTensors.create(env, feeds, b, calibration.features(), start, 0));
    }

    /**
     * Evaluates a draft in this process and judges it against the float model, unless its probe failed: a variant
     * that crashed, hung or was refused in the child is rejected with that reason and never loaded here.
     */
    private Produced judge(Draft d, SessionMemoryProbe.Outcome memory, ModelEvaluation reference, Judging j) {
        if (d.verdict != null) {
            return new Produced(d, d.verdict, d.settings, d.extra, 0, null);
        }
        Map<String, String> settings = new LinkedHashMap<>(d.settings);
        Map<String, Double> extra = new LinkedHashMap<>(d.extra);
        MemoryProbeMode mode = memoryProbeMode();
        if (memory != null && memory.failure() instanceof SessionMemoryProbe.ModelFailure f) {
            settings.put("peak_memory_scope", mode.scope());
            return new Produced(d, VariantVerdict.unusable(f.getMessage()), settings, extra, 0, null);
        }
        boolean inProcess = mode == MemoryProbeMode.IN_PROCESS;
        if (memory != null && memory.failure() != null) {
            // the probe itself failed (not the model): measure this one in process and say so
            settings.put("peak_memory_probe_error", memory.failure().getMessage());
            inProcess = true;
            mode = MemoryProbeMode.IN_PROCESS;
        }
        settings.put("peak_memory_scope", mode.scope());
        VariantVerdict verdict;
        long peak = 0;
        ModelEvaluation e = null;
        try {
            e = evaluator.evaluate(d.file, j.data(), d.evalLevel, inProcess, j.io(), j.labels());
            peak = e.peakMemoryBytes();
            verdict = validator.judge(reference, e);
        } catch (CompilationFailure failure) {
            verdict = VariantVerdict.unusable("variant does not run: " + failure.getMessage());
        }
        if (memory != null && memory.measurement() != null) {
            peak = memory.measurement().peakBytes();
            extra.put("session_load_bytes", (double) memory.measurement().loadBytes());
        }
        extra.put("peak_memory_bytes", (double) peak);
        if (!reference.classification()) {
            settings.put("accuracy", "not applicable: the outputs are not class scores");
        }
        return new Produced(d, verdict, settings, extra, peak, e);
    }

    private VariantOutcome outcome(VariantTarget target, Produced p, OnnxMl.ModelProto source, int labels) {
        Map<String, String> settings = new LinkedHashMap<>(p.settings);
        settings.put("target_profile", target.profile());
        Map<String, Double> extra = new LinkedHashMap<>(p.extra);
        if (p.file() == null) {
            return new VariantOutcome(
                    target, null, null, p.verdict, settings, extra, p.draft.opset(), p.draft.sparsity(), 0, null, null);
        }
        ModelSignature signature = p.evaluation == null
                ? null
                : ModelSignatures.of(p.evaluation, p.draft.opset(), p.draft.domains(), labels);
        if (signature != null) {
            settings.putAll(ModelSignatures.settings(signature));
        }
        TargetProfile profile = options.profiles().get(target.profile());
        long flash;
        try {
            flash = Files.size(p.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p.file(), e);
        }
        DeviceEstimate estimate;
        try {
            estimate = DeviceEstimator.estimate(source.getGraph(), p.draft.weightBytes(), flash, profile);
        } catch (RuntimeException e) {
            // a graph the estimator cannot walk: no estimate, the variant is judged on its measurements
            settings.put("estimate_error", String.valueOf(e.getMessage()));
            boolean fits = flash <= profile.flashBytes();
            estimate = new DeviceEstimate(
                    profile.name(), 0, 0, flash, 0, 0, fits, fits ? null : "the file exceeds the flash", false);
        }
        extra.put("est_ram_bytes", (double) estimate.ramBytes());
        extra.put("est_flash_bytes", (double) estimate.flashBytes());
        extra.put("est_macs", (double) estimate.macs());
        extra.put("est_latency_us", estimate.latencyUs());
        extra.put("est_fits", estimate.fits() ? 1.0 : 0.0);
        VariantVerdict verdict = p.verdict;
        if (verdict.accepted() && !estimate.fits()) {
            verdict = verdict.rejected("does not fit target profile " + profile.name() + ": " + estimate.reason());
        }
        Path file = verdict.accepted() ? p.file() : null;
        try {
            return new VariantOutcome(
                    target,
                    file,
                    file == null ? null : Hashing.sha256Hex(file),
                    verdict,
                    settings,
                    extra,
                    p.draft.opset(),
                    p.draft.sparsity(),
                    p.peakMemoryBytes,
                    estimate,
                    signature);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + p.file(), e);
        }
    }
}
