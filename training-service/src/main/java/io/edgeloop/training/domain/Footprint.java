package io.edgeloop.training.domain;

import java.util.List;

/**
 * Size and cost of a network for one sample, estimated from its layers.
 *
 * @param parameterCount trainable values
 * @param parameterBytes float32 parameter memory
 * @param macs multiply-accumulates per sample
 * @param peakActivationBytes largest input + output float32 tensors of any layer (both live while it runs), the
 *     working RAM of an inference engine that reuses buffers
 */
public record Footprint(long parameterCount, long parameterBytes, long macs, long peakActivationBytes) {

    /** Footprint of {@code layers} applied to inputs of shape {@code inputShape} (without batch). */
    public static Footprint of(List<Layer> layers, int[] inputShape) {
        long params = 0;
        long macs = 0;
        int[] shape = inputShape.clone();
        long peak = elements(shape) * 2; // the raw input and its standardized copy
        for (Layer l : layers) {
            int[] out = l.outputShape(shape);
            params += l.parameterCount();
            macs += l.macs(shape);
            peak = Math.max(peak, elements(shape) + elements(out));
            shape = out;
        }
        return new Footprint(params, params * Float.BYTES, macs, peak * Float.BYTES);
    }

    private static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
