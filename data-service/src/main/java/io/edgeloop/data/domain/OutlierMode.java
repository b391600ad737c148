package io.edgeloop.data.domain;

import java.util.Locale;

/** How a data set checks new samples for outliers (values far from the median, in MADs). */
public enum OutlierMode {
    /** Against all samples of the data set. */
    DATASET,
    /** Against the samples of the same class: a rare class with its own value range is not an outlier. */
    PER_CLASS,
    /** No outlier check (only finite values within float32 are required). */
    OFF;

    /** The wire name: {@code dataset}, {@code per-class}, {@code off}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a wire name.
     *
     * @throws IllegalArgumentException for another name
     */
    public static OutlierMode parse(String s) {
        for (OutlierMode m : values()) {
            if (m.wireName().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("must be dataset, per-class or off");
    }
}
