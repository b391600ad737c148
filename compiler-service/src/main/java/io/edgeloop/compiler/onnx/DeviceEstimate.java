package io.edgeloop.compiler.onnx;

/**
 * Whether a model fits a device profile, estimated from its graph.
 *
 * @param profile the target profile
 * @param ramBytes peak of simultaneously live activations, plus the weights when the profile keeps them in RAM, plus
 *     the runtime overhead
 * @param peakActivationBytes the activations part of {@code ramBytes}
 * @param flashBytes the model file's size
 * @param macs multiply-accumulates for one sample
 * @param latencyUs {@code macs / profile.macsPerMicrosecond}
 * @param fits whether RAM and flash are within the profile's limits
 * @param reason why it does not fit; null when it fits
 * @param shapesComplete false when some tensor shapes could not be inferred (the figures are then lower bounds)
 */
public record DeviceEstimate(
        String profile,
        long ramBytes,
        long peakActivationBytes,
        long flashBytes,
        long macs,
        double latencyUs,
        boolean fits,
        String reason,
        boolean shapesComplete) {}
