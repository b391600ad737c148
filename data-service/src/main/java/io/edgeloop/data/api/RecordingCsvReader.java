package io.edgeloop.data.api;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV recording, streamed: a header, then one row per time step with one column per axis (named like the data
 * set's axes, or mapped with {@code axis=...}) and an optional timestamp column (numbers, strictly increasing). Errors
 * name the line ({@code line 9}) and the column; every invalid row is reported (up to {@link
 * RecordingJsonReader#MAX_ERRORS}). The timestamps (in {@code timestampUnit}s) give the recording's rate when the
 * request names none.
 */
final class RecordingCsvReader {
    private final List<String> axisNames;
    private final int maxLength;
    private final List<FieldError> errors = new ArrayList<>();
    private List<String> headerCells = List.of();

    RecordingCsvReader(List<String> axisNames, int maxLength) {
        this.axisNames = axisNames;
        this.maxLength = maxLength;
    }

    /**
     * How the file's columns map onto the axes.
     *
     * @param delimiter column separator
     * @param axisColumns the file's column per axis, in the data set's axis order; empty = columns named like the axes
     * @param timestampColumn the timestamp column's name; it is optional when not named explicitly
     * @param timestampRequired whether the request named the timestamp column (then it must exist)
     * @param ignoreUnmapped whether other columns are ignored (else each is an error)
     * @param timestampSeconds seconds per timestamp unit (0.001 for milliseconds)
     */
    record Mapping(
            char delimiter,
            List<String> axisColumns,
            String timestampColumn,
            boolean timestampRequired,
            boolean ignoreUnmapped,
            double timestampSeconds) {}

    /**
     * A read recording.
     *
     * @param axes the values of each axis, in the data set's axis order
     * @param timestampRateHz the rate the timestamps imply ({@code (rows - 1) / (last - first)}), null without a
     *     timestamp column or with fewer than two rows
     */
    record Read(float[][] axes, Double timestampRateHz) {}

    /** Reads the recording in {@code body}. */
    Read read(InputStream body, Charset charset, Mapping mapping) {
        try (CsvParser parser = CsvSamples.parser(body, charset, mapping.delimiter())) {
            CsvSamples.Row header = parser.nextToken() == JsonToken.START_ARRAY ? CsvSamples.next(parser) : null;
            if (header == null) {
                throw ApiException.invalid(
                        "empty CSV",
                        List.of(new FieldError("line 1", "expected a header row: " + String.join(",", axisNames))));
            }
            int[] columns = resolve(header, mapping);
            int timestamp = header.cells().indexOf(mapping.timestampColumn());
            FloatList[] values = new FloatList[columns.length];
            for (int a = 0; a < columns.length; a++) {
                values[a] = new FloatList(maxLength, "axes." + axisNames.get(a));
            }
            double previous = Double.NEGATIVE_INFINITY;
            double firstTime = Double.NaN;
            CsvSamples.Row row;
            while ((row = CsvSamples.next(parser)) != null) {
                String at = "line " + row.line();
                if (row.cells().size() != header.cells().size()) {
                    error(
                            at,
                            "expected " + header.cells().size() + " columns, got "
                                    + row.cells().size());
                    continue;
                }
                for (int a = 0; a < columns.length; a++) {
                    values[a].add(value(row, columns[a], at));
                }
                if (timestamp >= 0) {
                    previous = timestamp(row, timestamp, previous, mapping.timestampColumn(), at);
                    firstTime = Double.isNaN(firstTime) ? previous : firstTime;
                }
            }
            if (values[0].size() == 0 && errors.isEmpty()) {
                error("line 2", "expected a data row");
            }
            if (!errors.isEmpty()) {
                throw ApiException.invalid("invalid recording (" + errors.size() + " errors listed)", errors);
            }
            float[][] out = new float[columns.length][];
            for (int a = 0; a < columns.length; a++) {
                out[a] = values[a].toArray();
            }
            int n = out[0].length;
            Double rate =
                    timestamp < 0 || n < 2 ? null : (n - 1) / ((previous - firstTime) * mapping.timestampSeconds());
            return new Read(out, rate);
        } catch (IOException e) {
            throw CsvSamples.malformed(e);
        }
    }

    private float value(CsvSamples.Row row, int column, String at) {
        String cell = row.cells().get(column);
        String name = "column '" + headerName(column) + "': ";
        Double d = cell.isEmpty() ? null : CsvSamples.number(cell);
        if (cell.isEmpty()) {
            error(at, name + "missing value");
        } else if (d == null) {
            error(at, name + "not a number: '" + cell + "'");
        } else if (!Double.isFinite(d)) {
            error(at, name + "not finite");
        } else if (Float.isInfinite(d.floatValue())) {
            error(at, name + "out of float32 range");
        } else {
            return d.floatValue();
        }
        return 0;
    }

    private double timestamp(CsvSamples.Row row, int column, double previous, String name, String at) {
        String cell = row.cells().get(column);
        Double t = cell.isEmpty() ? null : CsvSamples.number(cell);
        if (t == null || !Double.isFinite(t)) {
            error(at, "column '" + name + "': not a number: '" + cell + "'");
            return previous;
        }
        if (t <= previous) {
            error(at, "column '" + name + "': " + cell + " is not after the previous row's timestamp");
        }
        return t;
    }

    private String headerName(int column) {
        return column < headerCells.size() ? headerCells.get(column) : "#" + column;
    }

    /** The file's column of each axis; 422 listing every header problem on {@code line 1}. */
    private int[] resolve(CsvSamples.Row header, Mapping mapping) {
        headerCells = header.cells();
        String where = "line " + header.line();
        List<FieldError> problems = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < headerCells.size(); c++) {
            if (index.putIfAbsent(headerCells.get(c), c) != null) {
                problems.add(new FieldError(where, "duplicate column '" + headerCells.get(c) + "'"));
            }
        }
        List<String> wanted = mapping.axisColumns().isEmpty() ? axisNames : mapping.axisColumns();
        int[] columns = new int[wanted.size()];
        for (int a = 0; a < wanted.size(); a++) {
            Integer c = index.get(wanted.get(a));
            columns[a] = c == null ? -1 : c;
            if (c == null) {
                problems.add(new FieldError(
                        where,
                        "missing column '" + wanted.get(a) + "'"
                                + (wanted == axisNames ? " (an axis)" : " (axis '" + axisNames.get(a) + "')")));
            }
        }
        if (mapping.timestampRequired() && !index.containsKey(mapping.timestampColumn())) {
            problems.add(new FieldError(where, "missing column '" + mapping.timestampColumn() + "' (timestamp)"));
        }
        if (!mapping.ignoreUnmapped()) {
            for (String name : headerCells) {
                if (!wanted.contains(name) && !name.equals(mapping.timestampColumn())) {
                    problems.add(new FieldError(
                            where, "unexpected column '" + name + "' (map it with axis=..., or pass unmapped=ignore)"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid("invalid CSV header", problems);
        }
        return columns;
    }

    private void error(String field, String message) {
        if (errors.size() < RecordingJsonReader.MAX_ERRORS) {
            errors.add(new FieldError(field, message));
        }
    }
}
