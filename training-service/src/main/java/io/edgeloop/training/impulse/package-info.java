/**
 * Impulses: processing blocks that turn a raw window into features before the learning block, computed in Java for
 * training and emitted as ONNX nodes (every name prefixed {@code impulse/}) at the front of the exported graph, so the
 * deployed model takes the raw window and there is no train/serve skew. {@link
 * io.edgeloop.training.impulse.ImpulseConfig} is the validated spec ({@code TrainingSpec.impulse}), {@link
 * io.edgeloop.training.impulse.ProcessingBlock} the block: {@link io.edgeloop.training.impulse.SpectralBlock} (RMS,
 * skewness, kurtosis and band powers per axis), {@link io.edgeloop.training.impulse.FrameBlock} (MFE and MFCC) and
 * {@link io.edgeloop.training.impulse.ImageBlock} (scale, centre crop, grayscale, per-channel normalisation of images).
 */
package io.edgeloop.training.impulse;
