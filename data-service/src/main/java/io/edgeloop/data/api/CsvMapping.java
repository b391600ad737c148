package io.edgeloop.data.api;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the columns of an imported CSV file map onto a data set, from the request's query parameters.
 *
 * @param delimiter the column separator ({@code ,} by default; {@code ;}, {@code |}, tab, ...)
 * @param featureColumns the file's column for each of the data set's features, in the data set's order; empty = the
 *     columns named like the features, in any order
 * @param labelColumn the column holding the class label
 * @param sourceColumn the column holding each row's source, used when the file has it
 * @param ignoreUnmapped whether columns the mapping does not name are ignored (else each is an error)
 * @param storeValidRows whether valid rows are stored when others are invalid (else one invalid row stores nothing)
 */
record CsvMapping(
        char delimiter,
        List<String> featureColumns,
        String labelColumn,
        String sourceColumn,
        boolean ignoreUnmapped,
        boolean storeValidRows) {

    /**
     * Reads the query parameters; every problem is reported at once (422 naming the parameter).
     *
     * @param delimiter one character, or {@code tab}; null = comma
     * @param features the file's column per data set feature, in order; empty = by name
     * @param label label column; null = {@code label}
     * @param source source column; null = {@code source}
     * @param unmapped {@code reject} (default) or {@code ignore}
     * @param onInvalid {@code reject} (default: nothing stored) or {@code skip} (valid rows stored)
     * @param featureCount the data set's feature count
     */
    static CsvMapping of(
            String delimiter,
            List<String> features,
            String label,
            String source,
            String unmapped,
            String onInvalid,
            int featureCount) {
        List<FieldError> errors = new ArrayList<>();
        char sep = separator(delimiter, errors);
        List<String> columns = features == null ? List.of() : features;
        if (!columns.isEmpty() && columns.size() != featureCount) {
            errors.add(new FieldError(
                    "feature",
                    "name one column per feature of the data set: " + featureCount + " expected, " + columns.size()
                            + " given"));
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i) == null || columns.get(i).isBlank()) {
                errors.add(new FieldError("feature[" + i + "]", "must name a column"));
            } else if (columns.indexOf(columns.get(i)) != i) {
                errors.add(new FieldError("feature[" + i + "]", "column '" + columns.get(i) + "' mapped twice"));
            }
        }
        String labelColumn = label == null || label.isBlank() ? "label" : label;
        String sourceColumn = source == null || source.isBlank() ? "source" : source;
        if (columns.contains(labelColumn)) {
            errors.add(new FieldError("label", "column '" + labelColumn + "' is mapped as a feature too"));
        }
        boolean ignore = choice("unmapped", unmapped, "reject", "ignore", errors);
        boolean skip = choice("onInvalid", onInvalid, "reject", "skip", errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid CSV mapping", errors);
        }
        return new CsvMapping(sep, List.copyOf(columns), labelColumn, sourceColumn, ignore, skip);
    }

    private static char separator(String delimiter, List<FieldError> errors) {
        if (delimiter == null || delimiter.isEmpty()) {
            return ',';
        }
        if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) {
            return '\t';
        }
        char c = delimiter.charAt(0);
        if (delimiter.length() != 1 || Character.isLetterOrDigit(c) || c == '"' || c == '.' || c == '-' || c < 0x20) {
            errors.add(new FieldError(
                    "delimiter", "must be one character that cannot be part of a number or a quote, or 'tab'"));
            return ',';
        }
        return c;
    }

    /** False for {@code first} (or no value), true for {@code second}. */
    private static boolean choice(String field, String value, String first, String second, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals(first) || v.equals(second)) {
            return v.equals(second);
        }
        errors.add(new FieldError(field, "must be " + first + " or " + second));
        return false;
    }
}
