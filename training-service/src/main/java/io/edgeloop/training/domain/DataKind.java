package io.edgeloop.training.domain;

import java.util.Locale;

/** What one sample of a dataset is; decides the default architecture and the model's input rank. */
public enum DataKind {
    /** A flat feature vector [F]. */
    FEATURES("features"),
    /** A window of a multichannel signal [channels, steps]. */
    TIMESERIES("timeseries"),
    /** An image [channels, height, width]. */
    IMAGE("image");

    private final String wireName;

    DataKind(String wireName) {
        this.wireName = wireName;
    }

    /** Name used in events and JSON ({@code features}, {@code timeseries}, {@code image}). */
    public String wireName() {
        return wireName;
    }

    /** The architecture trained when a spec does not choose one. */
    public Architecture defaultArchitecture() {
        return switch (this) {
            case FEATURES -> Architecture.MLP;
            case TIMESERIES -> Architecture.CNN1D;
            case IMAGE -> Architecture.CNN2D;
        };
    }

    /**
     * Parses a wire name; blank means {@link #FEATURES}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static DataKind parse(String name) {
        if (name == null || name.isBlank()) {
            return FEATURES;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (DataKind k : values()) {
            if (k.wireName.equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "unknown data kind " + FieldProblem.quoted(name) + " (known: features, timeseries, image)");
    }
}
