/**
 * Augmentation of the train split ({@code TrainingSpec.augmentation}): {@link
 * io.edgeloop.training.augment.AugmentationConfig} is the validated spec, {@link
 * io.edgeloop.training.augment.Augmenter} draws the random transforms of the raw train samples anew every epoch
 * (gaussian noise; time shift and gain for time series; flip, shift, random crop, rotation and brightness for
 * images) from a seeded generator; {@link io.edgeloop.training.augment.FeatureMasks} masks an mfe / mfcc impulse's
 * normalized features (SpecAugment). Validation and test samples are never augmented.
 */
package io.edgeloop.training.augment;
