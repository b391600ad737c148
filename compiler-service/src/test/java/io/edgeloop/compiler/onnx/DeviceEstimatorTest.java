package io.edgeloop.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.edgeloop.compiler.testing.TestGraphs;
import org.junit.jupiter.api.Test;

class DeviceEstimatorTest {
    @Test
    void macsRamAndLatencyOfACnnByHand() {
        // windows [1,3,32]; conv1 8x3x5 pad 2 -> [1,8,32]; relu; maxpool 2/2 -> [1,8,16]; conv2 8x8x3 pad 1 ->
        // [1,8,16]; relu; GAP -> [1,8,1]; flatten -> [1,8]; dense 4x8 -> [1,4]; softmax
        OnnxMl.ModelProto cnn = TestGraphs.cnn1d(3, 32, 8, 4, 1);
        ShapeInference.Result shapes = ShapeInference.infer(cnn.getGraph());
        assertEquals(java.util.List.of(), shapes.errors());
        long conv1 = 8 * 32 * (3 * 5);
        long conv2 = 8 * 16 * (8 * 3);
        long dense = 4 * 8;
        assertEquals(conv1 + conv2 + dense, shapes.macs());
        assertEquals(16, shapes.tensors().get("p1").shape()[2]);
        // live sets (elements): at conv1 {windows 96, c1 256}; relu1 {c1 256, r1 256}=512 is the largest
        long peakElements = 512;
        TargetProfile mcu = TargetProfile.MCU_INT8;
        long weights = 1000;
        DeviceEstimate e = DeviceEstimator.estimate(cnn.getGraph(), weights, 5000, mcu);
        assertEquals(peakElements, e.peakActivationBytes());
        assertEquals(peakElements + mcu.runtimeOverheadBytes(), e.ramBytes(), "MCU weights stay in flash");
        assertEquals(5000, e.flashBytes());
        assertEquals((conv1 + conv2 + dense) / mcu.macsPerMicrosecond(), e.latencyUs(), 1e-9);
        assertTrue(e.fits());
        assertNull(e.reason());
        DeviceEstimate f = DeviceEstimator.estimate(cnn.getGraph(), weights, 5000, TargetProfile.CPU_FP32);
        assertEquals(peakElements * 4, f.peakActivationBytes());
        assertEquals(peakElements * 4 + weights + TargetProfile.CPU_FP32.runtimeOverheadBytes(), f.ramBytes());
    }

    @Test
    void aModelBeyondTheLimitsDoesNotFitAndSaysWhy() {
        OnnxMl.ModelProto cnn = TestGraphs.cnn1d(3, 32, 8, 4, 1);
        TargetProfile tiny = new TargetProfile("tiny", 1024, 4096, 10, 1, false, 0);
        DeviceEstimate e = DeviceEstimator.estimate(cnn.getGraph(), 0, 10_000, tiny);
        assertTrue(e.fits() == false);
        assertTrue(e.reason().contains("bytes of flash"), e.reason());
        assertFalse(e.reason().contains("RAM"), e.reason());
        TargetProfile noRam = new TargetProfile("no-ram", 100, 1 << 20, 10, 1, false, 0);
        DeviceEstimate r = DeviceEstimator.estimate(cnn.getGraph(), 0, 10_000, noRam);
        assertTrue(r.reason().contains("needs 512 bytes of RAM, no-ram has 100"), r.reason());
    }
}
