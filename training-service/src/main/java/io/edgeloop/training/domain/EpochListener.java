package io.edgeloop.training.domain;

/** Told about every finished epoch of a training run (on the training thread; keep it quick). */
@FunctionalInterface
public interface EpochListener {
    /** Called after the epoch's validation. */
    void onEpoch(EpochStats stats);
}
