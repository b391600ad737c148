/**
 * Augmentation of the train split ({@code TrainingSpec.augmentation}): {@link
 * io.edgeloop.training.augment.AugmentationConfig} is the validated spec, {@link
 * io.edgeloop.training.augment.Augmenter} draws the random transforms of the raw train samples anew every epoch
 * (gaussian noise; time shift and gain for time series; flip, shift and brightness for images) from a seeded
 * generator. Validation and test samples are never augmented.
 */
package io.edgeloop.training.augment;
