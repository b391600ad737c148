package io.edgeloop.deployment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VariantSelectorTest {
    private static final long MIB = 1024L * 1024L;

    private static VariantOption v(String id, String target, long ramBytes, boolean recommended) {
        return new VariantOption(id, target, "onnx", "a".repeat(64), MIB, ramBytes, MIB, 0.9, recommended, "", "");
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
                List.of(new VariantOption("big", "cpu", "onnx", "a", 3 * MIB, -1, -1, 0, true, "", "")),
                8);
        assertTrue(storage.variant().isEmpty(), "3 MiB artifact on 1 MiB storage");
    }
}
