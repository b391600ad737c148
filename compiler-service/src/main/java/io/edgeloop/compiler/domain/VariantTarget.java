package io.edgeloop.compiler.domain;

import java.util.Arrays;
import java.util.Optional;

/** The variants the compiler can produce for a model version, each for one target profile. */
public enum VariantTarget {
    /** Graph-optimized ONNX model for the ONNX Runtime CPU provider. */
    CPU_FP32_ORTOPT(
            "cpu-fp32-ortopt", "onnx", "application/onnx", "model.ortopt.onnx", "cpu-fp32", Method.ORT_OPTIMIZED),
    /** The same optimized graph in ORT format, loadable by minimal ONNX Runtime builds. */
    CPU_ORT_FORMAT("cpu-ort-format", "ort", "application/x-ort", "model.ort", "cpu-fp32", Method.ORT_FORMAT),
    /** Float model with the smallest-magnitude weights zeroed (magnitude pruning). */
    CPU_FP32_PRUNED("cpu-fp32-pruned", "onnx", "application/onnx", "model.pruned.onnx", "cpu-fp32", Method.PRUNED),
    /** Static int8 QDQ model (calibrated activations) for x86-64/arm64 CPUs. */
    CPU_INT8("cpu-int8", "onnx", "application/onnx", "model.int8.onnx", "cpu-int8", Method.STATIC_INT8),
    /** Dynamic int8 model (int8 weights, activations quantized at run time). */
    CPU_INT8_DYNAMIC(
            "cpu-int8-dynamic", "onnx", "application/onnx", "model.int8-dynamic.onnx", "cpu-int8", Method.DYNAMIC_INT8),
    /** The static int8 model, judged against the edge-arm64-int8 profile. */
    EDGE_ARM64_INT8(
            "edge-arm64-int8", "onnx", "application/onnx", "model.int8.onnx", "edge-arm64-int8", Method.STATIC_INT8),
    /** The static int8 model, judged against the mcu-int8 profile (256 KiB RAM, 1 MiB flash by default). */
    MCU_INT8("mcu-int8", "onnx", "application/onnx", "model.int8.onnx", "mcu-int8", Method.STATIC_INT8);

    /** How a variant is produced. */
    public enum Method {
        ORT_OPTIMIZED("none"),
        ORT_FORMAT("none"),
        PRUNED("pruned"),
        STATIC_INT8("int8-static-qdq"),
        DYNAMIC_INT8("int8-dynamic");

        private final String quantization;

        Method(String quantization) {
            this.quantization = quantization;
        }

        /** The {@code VariantSummary.quantization} value. */
        public String quantization() {
            return quantization;
        }
    }

    private final String id;
    private final String format;
    private final String mediaType;
    private final String fileName;
    private final String profile;
    private final Method method;

    VariantTarget(String id, String format, String mediaType, String fileName, String profile, Method method) {
        this.id = id;
        this.format = format;
        this.mediaType = mediaType;
        this.fileName = fileName;
        this.profile = profile;
        this.method = method;
    }

    /** Variant name, e.g. {@code cpu-fp32-ortopt}. */
    public String id() {
        return id;
    }

    /** {@code onnx} or {@code ort}. */
    public String format() {
        return format;
    }

    /** Media type of the artifact in the registry. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * File name of the artifact in a compilation's work folder; variants made the same way share one file (the static
     * int8 model is one artifact judged against several profiles).
     */
    public String fileName() {
        return fileName;
    }

    /** Name of the target profile the variant is estimated against. */
    public String profile() {
        return profile;
    }

    /** How the variant is produced. */
    public Method method() {
        return method;
    }

    /** The target with variant name {@code id}. */
    public static Optional<VariantTarget> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
