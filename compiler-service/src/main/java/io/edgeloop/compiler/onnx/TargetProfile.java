package io.edgeloop.compiler.onnx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A class of device a model is compiled for, with the limits and speed the device estimate uses.
 *
 * @param name profile name, e.g. {@code mcu-int8}
 * @param ramBytes RAM available to the model (activations, runtime, and the weights when {@code weightsInRam})
 * @param flashBytes storage available for the model file
 * @param macsPerMicrosecond sustained multiply-accumulates per microsecond on one core (latency = MACs / this)
 * @param activationBytes bytes per activation element at run time (4 for float, 1 for int8)
 * @param weightsInRam whether the runtime copies the weights into RAM (ONNX Runtime does; MCU runtimes run from flash)
 * @param runtimeOverheadBytes fixed RAM the runtime needs besides tensors
 */
public record TargetProfile(
        String name,
        long ramBytes,
        long flashBytes,
        double macsPerMicrosecond,
        int activationBytes,
        boolean weightsInRam,
        long runtimeOverheadBytes) {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    public TargetProfile {
        if (ramBytes <= 0
                || flashBytes <= 0
                || macsPerMicrosecond <= 0
                || activationBytes <= 0
                || runtimeOverheadBytes < 0) {
            throw new IllegalArgumentException("profile " + name + ": limits and speed must be positive");
        }
    }

    /** x86-64/arm64 server CPU, float (ONNX Runtime). */
    public static final TargetProfile CPU_FP32 =
            new TargetProfile("cpu-fp32", 2048 * MIB, 4096 * MIB, 2000, 4, true, 16 * MIB);

    /** x86-64/arm64 server CPU, int8 kernels (ONNX Runtime QGemm/QLinearConv). */
    public static final TargetProfile CPU_INT8 =
            new TargetProfile("cpu-int8", 2048 * MIB, 4096 * MIB, 6000, 1, true, 16 * MIB);

    /** A Cortex-A53-class edge board (ONNX Runtime minimal build), int8. */
    public static final TargetProfile EDGE_ARM64_INT8 =
            new TargetProfile("edge-arm64-int8", 256 * MIB, 512 * MIB, 800, 1, true, 8 * MIB);

    /** A Cortex-M4/M7-class microcontroller: 256 KiB RAM, 1 MiB flash, weights executed from flash. */
    public static final TargetProfile MCU_INT8 =
            new TargetProfile("mcu-int8", 256 * KIB, 1 * MIB, 50, 1, false, 16 * KIB);

    /** The built-in profiles by name. */
    public static Map<String, TargetProfile> standard() {
        Map<String, TargetProfile> m = new LinkedHashMap<>();
        for (TargetProfile p : new TargetProfile[] {CPU_FP32, CPU_INT8, EDGE_ARM64_INT8, MCU_INT8}) {
            m.put(p.name(), p);
        }
        return m;
    }
}
