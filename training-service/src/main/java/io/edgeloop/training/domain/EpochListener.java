package io.edgeloop.training.domain;

/** Told about every finished epoch of a training run (on the training thread; keep it quick). */
@FunctionalInterface
public interface EpochListener {
    /** Called after the epoch's validation. */
    void onEpoch(EpochStats stats);

    /**
     * Called by the trainer after the epoch's validation with the epoch's wall-clock time (its batches and its
     * validation); by default forwards the figures to {@link #onEpoch(EpochStats)} alone. The time is not part of
     * {@link EpochStats}, whose figures are the same for the same data and spec.
     */
    default void onEpoch(EpochStats stats, double seconds) {
        onEpoch(stats);
    }

    /** A listener that wants every epoch with its wall-clock time. */
    static EpochListener timed(Timed listener) {
        return new EpochListener() {
            @Override
            public void onEpoch(EpochStats stats) {
                listener.onEpoch(stats, Double.NaN);
            }

            @Override
            public void onEpoch(EpochStats stats, double seconds) {
                listener.onEpoch(stats, seconds);
            }
        };
    }

    /** Told about every finished epoch with its wall-clock time in seconds (NaN when not measured). */
    @FunctionalInterface
    interface Timed {
        /** Called after the epoch's validation. */
        void onEpoch(EpochStats stats, double seconds);
    }
}
