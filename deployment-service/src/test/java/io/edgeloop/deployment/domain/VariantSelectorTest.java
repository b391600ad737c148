package io.edgeloop.deployment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.model.v1.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class VariantSelectorTest {
    private static final long MIB = 1024L * 1024L;

    private static VariantOption v(String id, String target, long ramBytes, boolean recommended) {
        return new VariantOption(
                id, target, "onnx", "a".repeat(64), MIB, ramBytes, MIB, 0.9, recommended, "", "", null);
    }

    private static final List<VariantOption> ALL = List.of(
            v("fp32", "cpu-fp32", 60 * MIB, true),
            v("arm", "edge-arm64-int8", 20 * MIB, false),
            v("mcu", "mcu-int8", MIB / 2, false),
            v("npu", "edge-arm64-npu-int8", 20 * MIB, false));

    private static String pick(DeviceProfile d, List<VariantOption> options) {
        return VariantSelector.select(d, options, 8)
                .variant()
                .map(VariantOption::variantId)
                .orElse(null);
    }

    @Test
    void picksByCapabilities() {
        assertEquals("fp32", pick(new DeviceProfile("x86_64", 512, 0, List.of()), ALL));
        assertEquals("arm", pick(new DeviceProfile("aarch64", 512, 0, List.of()), List.of(ALL.get(0), ALL.get(1))));
        assertEquals("npu", pick(new DeviceProfile("arm64", 512, 0, List.of("NPU")), ALL), "accelerator first");
        assertEquals("mcu", pick(new DeviceProfile("armv7", 2, 0, List.of()), ALL), "tiny RAM");
        assertEquals("fp32", pick(new DeviceProfile("", 0, 0, List.of()), ALL), "unknown profile: recommended");
    }

    @Test
    void skipsVariantsThatDoNotFitAndSaysWhyNoneFits() {
        // 32 MiB RAM: the 60 MiB recommended variant does not fit, the generic fallback is gone, an edge one fits
        DeviceProfile small = new DeviceProfile("amd64", 32, 0, List.of());
        assertEquals("arm", pick(small, List.of(ALL.get(0), ALL.get(1))));
        var none = VariantSelector.select(new DeviceProfile("amd64", 1, 0, List.of()), List.of(ALL.get(0)), 0);
        assertTrue(none.variant().isEmpty());
        assertTrue(none.reason().contains("no variant fits"), none.reason());
        var storage = VariantSelector.select(
                new DeviceProfile("amd64", 512, 1, List.of()),
                List.of(new VariantOption("big", "cpu", "onnx", "a", 3 * MIB, -1, -1, 0, true, "", "", null)),
                8);
        assertTrue(storage.variant().isEmpty(), "3 MiB artifact on 1 MiB storage");
    }

    private static VariantOption withSig(String id, long ramBytes, ModelSignature sig) {
        return new VariantOption(id, "cpu-fp32", "onnx", "a".repeat(64), MIB, ramBytes, MIB, 0.9, true, "", "", sig);
    }

    private static ModelSignature sig(int opset, List<String> domains, String inType, String outType) {
        return ModelSignature.newBuilder()
                .setOpset(opset)
                .addAllOpDomains(domains)
                .addInputs(TensorSpec.newBuilder()
                        .setName("x")
                        .setDatatype(inType)
                        .addShape(-1)
                        .addShape(4))
                .addOutputs(TensorSpec.newBuilder()
                        .setName("y")
                        .setDatatype(outType)
                        .addShape(-1))
                .build();
    }

    private static DeviceProfile device(
            int maxOpset,
            List<String> domains,
            List<String> types,
            int budgetMb,
            int maxModels,
            long usedRam,
            int others) {
        return new DeviceProfile(
                "amd64", 1024, 0, List.of(), maxOpset, domains, types, budgetMb, maxModels, usedRam, others);
    }

    @Test
    void opsetAndOperatorDomainsMustBeRunnable() {
        var v = withSig("v", 10 * MIB, sig(21, List.of("ai.onnx.ml"), "FP32", "INT64"));
        var tooNew = VariantSelector.select(device(17, List.of("ai.onnx.ml"), List.of(), 0, 0, 0, 0), List.of(v), 8);
        assertTrue(tooNew.variant().isEmpty());
        assertTrue(tooNew.reason().contains("needs opset 21, device runs up to 17"), tooNew.reason());
        var noMl = VariantSelector.select(device(21, List.of("com.microsoft"), List.of(), 0, 0, 0, 0), List.of(v), 8);
        assertTrue(noMl.variant().isEmpty());
        assertTrue(noMl.reason().contains("operator domain(s) [ai.onnx.ml]"), noMl.reason());
        assertEquals("v", pick(device(21, List.of("ai.onnx.ml"), List.of(), 0, 0, 0, 0), List.of(v)));
        assertEquals("v", pick(device(0, List.of(), List.of(), 0, 0, 0, 0), List.of(v)), "unknown opset: not checked");
    }

    @Test
    void tensorDatatypesMustBeSupported() {
        var v = withSig("v", 10 * MIB, sig(17, List.of(), "FP16", "FP32"));
        var fp32Only =
                VariantSelector.select(device(0, List.of(), List.of("FP32", "INT64"), 0, 0, 0, 0), List.of(v), 8);
        assertTrue(fp32Only.variant().isEmpty());
        assertTrue(fp32Only.reason().contains("tensor datatype(s) [FP16]"), fp32Only.reason());
        assertEquals("v", pick(device(0, List.of(), List.of("fp16", "FP32"), 0, 0, 0, 0), List.of(v)));
        assertEquals("v", pick(device(0, List.of(), List.of(), 0, 0, 0, 0), List.of(v)), "empty = not checked");
        assertEquals("v", pick(device(17, List.of(), List.of("FP32"), 0, 0, 0, 0), List.of(withSig("v", 1, null))));
    }

    @Test
    void memoryBudgetCountsTheOtherModelsAndMaxModelsIsEnforced() {
        var v = withSig("v", 40 * MIB, null);
        // 64 MiB budget, other models take 30 MiB: 34 MiB left < 40 MiB
        var full = VariantSelector.select(device(0, List.of(), List.of(), 64, 0, 30 * MIB, 1), List.of(v), 8);
        assertTrue(full.variant().isEmpty());
        assertTrue(full.reason().contains("model memory budget of 64 MiB"), full.reason());
        assertEquals("v", pick(device(0, List.of(), List.of(), 64, 0, 20 * MIB, 1), List.of(v)));
        assertEquals("v", pick(device(0, List.of(), List.of(), 0, 0, 900 * MIB, 3), List.of(v)), "no budget known");
        var tooMany = VariantSelector.select(device(0, List.of(), List.of(), 0, 2, 0, 2), List.of(v), 8);
        assertTrue(tooMany.variant().isEmpty());
        assertTrue(tooMany.reason().contains("at most 2 model(s)"), tooMany.reason());
        assertEquals("v", pick(device(0, List.of(), List.of(), 0, 2, 0, 1), List.of(v)));
    }
}
