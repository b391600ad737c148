package io.edgeloop.compiler.domain;

import java.util.Arrays;
import java.util.Optional;

/** The variants the compiler produces for every model version. */
public enum VariantTarget {
    /** Graph-optimized ONNX model for the ONNX Runtime CPU provider. */
    CPU_FP32_ORTOPT("cpu-fp32-ortopt", "onnx", "application/onnx", "model.ortopt.onnx"),
    /** The same optimized graph in ORT format, loadable by minimal ONNX Runtime builds. */
    CPU_ORT_FORMAT("cpu-ort-format", "ort", "application/x-ort", "model.ort");

    private final String id;
    private final String format;
    private final String mediaType;
    private final String fileName;

    VariantTarget(String id, String format, String mediaType, String fileName) {
        this.id = id;
        this.format = format;
        this.mediaType = mediaType;
        this.fileName = fileName;
    }

    /** Target profile name, e.g. {@code cpu-fp32-ortopt}. */
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

    /** File name of the artifact in a compilation's work folder. */
    public String fileName() {
        return fileName;
    }

    /** The target with profile name {@code id}. */
    public static Optional<VariantTarget> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
