package io.edgeloop.data.domain;

import java.util.Locale;

/** What counts as a duplicate sample in a data set. */
public enum DuplicateMode {
    /**
     * Every row is a sample: identical readings (a sensor at rest, a repeated pixel pattern) are all kept. Only an
     * upload sent again is a duplicate: a sample's id is derived from the upload's content up to its chunk and its
     * position in it, so the same batch or file stores nothing the second time.
     */
    KEEP,
    /** Content-addressed: identical features and label are one sample, however often and wherever they arrive. */
    DROP;

    /** The wire name: {@code keep} or {@code drop}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @throws IllegalArgumentException for another name
     */
    public static DuplicateMode parse(String s) {
        for (DuplicateMode m : values()) {
            if (m.wireName().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("must be keep or drop");
    }
}
