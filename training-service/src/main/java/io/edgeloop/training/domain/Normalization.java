package io.edgeloop.training.domain;

import java.util.Locale;

/**
 * How inputs are scaled before the network, fitted on the train split and baked into the exported graph as {@code
 * (x - offset) / scale} (ONNX Sub, Div), so devices feed raw values.
 */
public enum Normalization {
    /** {@code (x - mean) / std} (population std). */
    STANDARD,
    /** {@code (x - min) / (max - min)}: the train split's range maps to [0, 1]. */
    MINMAX,
    /** Raw values ({@code offset 0, scale 1}). */
    NONE;

    /** The wire name ({@code standard}, {@code minmax}, {@code none}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name; blank means {@link #STANDARD}.
     *
     * @throws IllegalArgumentException for another name
     */
    public static Normalization parse(String s) {
        if (s == null || s.isBlank()) {
            return STANDARD;
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be standard, minmax or none");
        }
    }
}
