package io.edgeloop.data.domain;

import java.util.Locale;

/** The partition a sample belongs to. Codes equal the {@code edgeloop.data.v1.Split} enum numbers. */
public enum Split {
    TRAIN(1),
    VALIDATION(2),
    TEST(3);

    private final short code;

    Split(int code) {
        this.code = (short) code;
    }

    /** Stored and wire code (1, 2, 3). */
    public short code() {
        return code;
    }

    /** Lower-case name used in JSON and in the content hash. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The split with {@code code}. */
    public static Split ofCode(int code) {
        for (Split s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("no split with code " + code);
    }
}
