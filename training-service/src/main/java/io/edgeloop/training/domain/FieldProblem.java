package io.edgeloop.training.domain;

/**
 * One invalid input field.
 *
 * @param field JSON path of the field, e.g. {@code spec.hiddenUnits[1]}
 * @param message what is wrong
 */
public record FieldProblem(String field, String message) {
    /** Longest part of a caller's value that a message quotes. */
    public static final int MAX_QUOTED = 64;

    /**
     * {@code value} in single quotes for a message, cut to {@link #MAX_QUOTED} characters: a refusal names the bad
     * value without echoing all of a huge one.
     */
    public static String quoted(String value) {
        String v = String.valueOf(value);
        return "'" + (v.length() <= MAX_QUOTED ? v : v.substring(0, MAX_QUOTED) + "...") + "'";
    }
}
