package io.edgeloop.compiler.domain;

import io.edgeloop.compiler.onnx.DeviceEstimate;
import io.edgeloop.compiler.persistence.CompiledVariant;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.registry.v1.ModelVariant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns variant outcomes into registry metrics, stored rows and event summaries. */
final class VariantRecords {
    private VariantRecords() {}

    /** The registry metrics of an accepted variant. */
    static Map<String, Double> metrics(VariantOutcome o, EngineResult result, int samples) {
        VariantVerdict v = o.verdict();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", v.accuracy());
        m.put("accuracy_delta", v.accuracyDelta());
        m.put("max_abs_diff", v.maxAbsDiff());
        m.put("argmax_agreement", v.argmaxAgreement());
        m.put("latency_p50_us", v.latencyP50Us());
        m.put("latency_p99_us", v.latencyP99Us());
        m.put("size_bytes", (double) v.sizeBytes());
        m.put("float_accuracy", result.reference().accuracy());
        m.put("float_latency_p50_us", result.reference().latencyP50Us());
        m.put("validation_samples", (double) samples);
        m.putAll(o.extraMetrics());
        return m;
    }

    /** The stored row of an outcome ({@code registered}: its registry entry, null when not registered). */
    static CompiledVariant variant(VariantOutcome o, ModelVariant registered) {
        VariantVerdict v = o.verdict();
        CompiledVariant cv = new CompiledVariant();
        cv.target = o.target().id();
        cv.format = o.target().format();
        cv.accepted = v.accepted() && registered != null;
        cv.rejectionReason = v.reason();
        cv.variantId = registered == null ? null : registered.getVariantId();
        cv.artifactSha256 = o.sha256();
        cv.sizeBytes = v.sizeBytes();
        cv.accuracy = v.accuracy();
        cv.accuracyDelta = v.accuracyDelta();
        cv.maxAbsDiff = v.maxAbsDiff();
        cv.argmaxAgreement = v.argmaxAgreement();
        cv.latencyP50Us = v.latencyP50Us();
        cv.latencyP99Us = v.latencyP99Us();
        o.settings().forEach((k, value) -> cv.settings.put(k, fit(value)));
        cv.targetProfile = o.target().profile();
        cv.quantization = o.quantization();
        cv.opset = o.opset();
        cv.peakMemoryBytes = o.peakMemoryBytes();
        cv.sparsity = o.sparsity();
        DeviceEstimate e = o.estimate();
        if (e != null) {
            cv.estRamBytes = e.ramBytes();
            cv.estFlashBytes = e.flashBytes();
            cv.estMacs = e.macs();
            cv.estLatencyUs = e.latencyUs();
            cv.estFits = e.fits();
            cv.estReason = e.reason();
        }
        return cv;
    }

    /** The event summary of an accepted variant, with its signature when known. */
    static VariantSummary summary(CompiledVariant v, ModelSignature signature) {
        VariantSummary.Builder b = VariantSummary.newBuilder()
                .setVariantId(v.variantId)
                .setTarget(v.target)
                .setFormat(v.format)
                .setArtifactSha256(v.artifactSha256)
                .setSizeBytes(v.sizeBytes)
                .setAccuracy(v.accuracy)
                .setAccuracyDelta(v.accuracyDelta)
                .setMaxAbsDiff(v.maxAbsDiff)
                .setArgmaxAgreement(v.argmaxAgreement)
                .setLatencyP50Us(v.latencyP50Us)
                .setLatencyP99Us(v.latencyP99Us)
                .setQuantization(v.quantization == null ? "none" : v.quantization)
                .setOpset(v.opset == null ? 0 : v.opset)
                .setPeakMemoryBytes(v.peakMemoryBytes == null ? 0 : v.peakMemoryBytes)
                .setSparsity(v.sparsity == null ? 0 : v.sparsity);
        if (v.estRamBytes != null) {
            b.setEstimate(io.edgeloop.proto.events.v1.DeviceEstimate.newBuilder()
                    .setTargetProfile(v.targetProfile)
                    .setRamBytes(v.estRamBytes)
                    .setFlashBytes(v.estFlashBytes)
                    .setMacs(v.estMacs)
                    .setLatencyUs(v.estLatencyUs)
                    .setFits(Boolean.TRUE.equals(v.estFits))
                    .setReason(v.estReason == null ? "" : v.estReason));
        }
        if (signature != null) {
            b.setSignature(signature);
        }
        return b.build();
    }

    /** The cpu-fp32-ortopt variant when accepted, else the most accurate accepted one (then the fastest). */
    static String recommended(List<CompiledVariant> variants) {
        List<CompiledVariant> accepted =
                variants.stream().filter(v -> v.accepted).toList();
        return accepted.stream()
                .filter(v -> v.target.equals(VariantTarget.CPU_FP32_ORTOPT.id()))
                .findFirst()
                .or(() -> accepted.stream()
                        .min(Comparator.comparingDouble((CompiledVariant v) -> -v.accuracy)
                                .thenComparingDouble(v -> v.latencyP50Us)))
                .map(v -> v.variantId)
                .orElseThrow();
    }

    /** The longest setting value the database keeps ({@code compiled_variant_setting.value}). */
    static final int SETTING_LENGTH = 500;

    /** {@code value}, cut to {@link #SETTING_LENGTH} characters (ending in {@code ...}) when longer. */
    static String fit(String value) {
        if (value == null || value.length() <= SETTING_LENGTH) {
            return value;
        }
        return value.substring(0, SETTING_LENGTH - 3) + "...";
    }
}
