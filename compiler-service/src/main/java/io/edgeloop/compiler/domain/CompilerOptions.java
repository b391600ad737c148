package io.edgeloop.compiler.domain;

import io.edgeloop.compiler.onnx.Calibrator;
import io.edgeloop.compiler.onnx.TargetProfile;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine produces and how.
 *
 * @param targets variants to produce, in this order
 * @param profiles target profiles by name (every target's profile must be present)
 * @param unsignedActivations uint8 activations in static quantization (int8 when false)
 * @param calibration calibration range method
 * @param percentile percentile for {@link Calibrator.Method#PERCENTILE}
 * @param pruningSparsity target sparsity of the pruned variant
 * @param quantizedLoadLevel optimization level quantized variants are evaluated with (ONNX Runtime fuses QDQ into int8
 *     kernels when the session is created, as a device does)
 */
public record CompilerOptions(
        Set<VariantTarget> targets,
        Map<String, TargetProfile> profiles,
        boolean unsignedActivations,
        Calibrator.Method calibration,
        double percentile,
        double pruningSparsity,
        ai.onnxruntime.OrtSession.SessionOptions.OptLevel quantizedLoadLevel) {

    public CompilerOptions {
        targets = targets.isEmpty() ? EnumSet.noneOf(VariantTarget.class) : EnumSet.copyOf(targets);
        profiles = Map.copyOf(profiles);
        for (VariantTarget t : targets) {
            if (!profiles.containsKey(t.profile())) {
                throw new IllegalArgumentException("variant " + t.id() + " needs profile " + t.profile());
            }
        }
        if (!(pruningSparsity >= 0 && pruningSparsity < 1)) {
            throw new IllegalArgumentException("pruning sparsity must be in [0, 1)");
        }
    }

    /** The ONNX Runtime graph-optimized variants only (the walking skeleton's behaviour). */
    public static CompilerOptions fp32Only() {
        return defaults(EnumSet.of(VariantTarget.CPU_FP32_ORTOPT, VariantTarget.CPU_ORT_FORMAT));
    }

    /** Every variant with the standard profiles and default settings. */
    public static CompilerOptions all() {
        return defaults(EnumSet.allOf(VariantTarget.class));
    }

    /** {@code targets} with the standard profiles, uint8 min/max calibration and 50 % pruning. */
    public static CompilerOptions defaults(Set<VariantTarget> targets) {
        return new CompilerOptions(
                targets,
                TargetProfile.standard(),
                true,
                Calibrator.Method.MINMAX,
                99.99,
                0.5,
                ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    /** Targets in declaration order. */
    public List<VariantTarget> orderedTargets() {
        return targets.stream().sorted().toList();
    }
}
