package io.edgeloop.data.api;

import io.edgeloop.data.domain.TimeseriesLayout;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.time.Instant;
import java.util.List;

/** Errors of query parameters, collected and thrown at once (422 naming each). */
final class QueryParams {
    private final List<FieldError> errors = new java.util.ArrayList<>();

    void add(String param, String message) {
        errors.add(new FieldError(param, message));
    }

    Integer integer(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            add(param, "not an integer: '" + value + "'");
            return null;
        }
    }

    Long longInteger(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            add(param, "not an integer: '" + value + "'");
            return null;
        }
    }

    Double decimal(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            add(param, "not a number: '" + value + "'");
            return null;
        }
    }

    Instant instant(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            add(param, "not an ISO-8601 instant (e.g. 2026-12-06T10:15:30Z): '" + value + "'");
            return null;
        }
    }

    RecordingCsvReader.Mapping csvMapping(
            String delimiter,
            List<String> axisColumns,
            String timestamp,
            String timestampUnit,
            String unmapped,
            TimeseriesLayout layout) {
        // the same delimiter and unmapped rules as the sample CSV import
        CsvMapping base;
        try {
            base = CsvMapping.of(delimiter, List.of(), null, null, unmapped, null, 0);
        } catch (ApiException e) {
            errors.addAll(e.toProblem().errors());
            base = new CsvMapping(',', List.of(), "label", "source", false, false);
        }
        List<String> columns = axisColumns == null ? List.of() : axisColumns;
        if (!columns.isEmpty() && columns.size() != layout.axes().size()) {
            add(
                    "axis",
                    "name one column per axis " + layout.axes() + ": "
                            + layout.axes().size() + " expected, " + columns.size() + " given");
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i) == null || columns.get(i).isBlank()) {
                add("axis[" + i + "]", "must name a column");
            } else if (columns.indexOf(columns.get(i)) != i) {
                add("axis[" + i + "]", "column '" + columns.get(i) + "' mapped twice");
            }
        }
        boolean named = timestamp != null && !timestamp.isBlank();
        String unit = timestampUnit == null || timestampUnit.isBlank() ? "ms" : timestampUnit.trim();
        double seconds = switch (unit) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            default -> {
                add("timestampUnit", "must be s, ms, us or ns");
                yield 1e-3;
            }
        };
        return new RecordingCsvReader.Mapping(
                base.delimiter(),
                List.copyOf(columns),
                named ? timestamp : "timestamp",
                named,
                base.ignoreUnmapped(),
                seconds);
    }

    void done() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid query", errors);
        }
    }
}
