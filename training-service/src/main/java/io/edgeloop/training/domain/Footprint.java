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
 * @param processingMacs the part of {@code macs} spent in the impulse's processing block (0 without one)
 * @param processingConstantBytes float32 constants of the processing block (DFT, mel, scaling matrices), stored in
 *     the model file but not trainable (not in {@code parameterBytes}); they stay float in an int8 deployment
 * @param processingActivationBytes the raw window and the block's features (float32; both live while the block
 *     runs), which stay float in an int8 deployment
 */
public record Footprint(
        long parameterCount,
        long parameterBytes,
        long macs,
        long peakActivationBytes,
        long processingMacs,
        long processingConstantBytes,
        long processingActivationBytes) {

    /** A network's footprint without a processing block. */
    public Footprint(long parameterCount, long parameterBytes, long macs, long peakActivationBytes) {
        this(parameterCount, parameterBytes, macs, peakActivationBytes, 0, 0, 0);
    }

    /** Footprint of a processing block alone (no network): its MACs, constants and window + features. */
    public static Footprint ofBlock(io.edgeloop.training.impulse.ProcessingBlock block) {
        long activations = ((long) block.inputSize() + block.outputSize()) * Float.BYTES;
        return new Footprint(
                0, 0, block.macs(), activations, block.macs(), block.constantCount() * Float.BYTES, activations);
    }

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
