package io.edgeloop.data.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.edgeloop.data.domain.SampleCandidate;
import io.edgeloop.data.domain.SampleLocation;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.kit.input.InputRules;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a CSV import (RFC 4180 via jackson-dataformat-csv) into sample candidates. The header row names the
 * dataset's feature columns in the dataset's order plus a {@code label} column and optionally a {@code source}
 * column (these two anywhere); a {@code split} column (as the snapshot export writes it) is ignored, splits being
 * assigned at ingest. Errors name the line on which the record starts.
 */
final class CsvSamples {
    /** Source recorded for CSV rows without a source column value. */
    static final String DEFAULT_SOURCE = "csv";

    private static final CsvFactory FACTORY = CsvFactory.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .enable(CsvParser.Feature.TRIM_SPACES)
            .build();
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(NaN|nan|Infinity|infinity|Inf|inf)");

    private CsvSamples() {}

    /**
     * Refuses a body with a NUL or other control character (tab, line feed and carriage return allowed) or an unpaired
     * surrogate: 400 naming the line, before anything is parsed or stored.
     */
    static void requireText(String text) {
        if (text == null) {
            return;
        }
        long line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if (c < 0x20 && c != '\t' && c != '\r' || Character.isSurrogate(c)) {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                String problem = InputRules.problem(text.substring(i, end), 2);
                if (problem != null) {
                    throw new ApiException(
                            400,
                            "Bad Request",
                            "malformed CSV: line " + line + " " + problem,
                            List.of(new FieldError("line " + line, problem)));
                }
                i = end - 1;
            }
        }
    }

    /** A parsed record: the line it starts on and its cells. */
    private record Row(long line, List<String> cells) {}

    /**
     * Parses {@code body}.
     *
     * @throws ApiException 400 for malformed CSV, 413 over {@code maxRows} records, 422 for a bad header or no rows
     */
    static List<SampleCandidate> parse(String body, List<String> featureNames, int maxRows) {
        String text = body != null && body.startsWith("\uFEFF") ? body.substring(1) : body;
        requireText(text);
        List<Row> rows = rows(text == null ? "" : text, maxRows);
        if (rows.isEmpty()) {
            throw ApiException.invalid(
                    "empty CSV",
                    List.of(new FieldError(
                            "line 1", "expected a header row: " + String.join(",", featureNames) + ",label")));
        }
        Row header = rows.get(0);
        int[] featureColumn = new int[featureNames.size()];
        int labelColumn = -1;
        int sourceColumn = -1;
        List<FieldError> errors = new ArrayList<>();
        Arrays.fill(featureColumn, -1);
        Map<String, Integer> seen = new HashMap<>();
        String where = "line " + header.line();
        for (int c = 0; c < header.cells().size(); c++) {
            String name = header.cells().get(c);
            if (seen.putIfAbsent(name, c) != null) {
                errors.add(new FieldError(where, "duplicate column '" + name + "'"));
                continue;
            }
            int f = featureNames.indexOf(name);
            if (f >= 0) {
                featureColumn[f] = c;
            } else if (name.equals("label")) {
                labelColumn = c;
            } else if (name.equals("source")) {
                sourceColumn = c;
            } else if (name.equals("split")) {
                continue; // written by the snapshot export; splits are assigned at ingest
            } else {
                errors.add(new FieldError(where, "unexpected column '" + name + "'"));
            }
        }
        for (int f = 0; f < featureNames.size(); f++) {
            if (featureColumn[f] < 0) {
                errors.add(new FieldError(where, "missing feature column '" + featureNames.get(f) + "'"));
            } else if (f > 0 && featureColumn[f - 1] > featureColumn[f]) {
                errors.add(new FieldError(
                        where, "feature columns must be in the dataset's order: " + String.join(", ", featureNames)));
            }
        }
        if (labelColumn < 0) {
            errors.add(new FieldError(where, "missing column 'label'"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid CSV header", errors);
        }
        if (rows.size() == 1) {
            throw ApiException.invalid(
                    "no data rows", List.of(new FieldError("line " + (header.line() + 1), "expected a data row")));
        }
        int columns = header.cells().size();
        List<SampleCandidate> out = new ArrayList<>(rows.size() - 1);
        for (Row row : rows.subList(1, rows.size())) {
            SampleLocation at = SampleLocation.csv(row.line(), featureNames);
            if (row.cells().size() != columns) {
                out.add(SampleCandidate.rejected(
                        at,
                        "expected " + columns + " columns, got " + row.cells().size()));
                continue;
            }
            List<Double> values = new ArrayList<>(featureNames.size());
            Map<Integer, String> unparsable = new HashMap<>();
            for (int f = 0; f < featureNames.size(); f++) {
                String cell = row.cells().get(featureColumn[f]);
                if (cell.isEmpty()) {
                    values.add(null);
                } else if (DECIMAL.matcher(cell).matches()) {
                    values.add(Double.parseDouble(cell));
                } else if (NON_FINITE.matcher(cell).matches()) {
                    values.add(cell.toLowerCase(Locale.ROOT).contains("nan") ? Double.NaN : Double.POSITIVE_INFINITY);
                } else {
                    values.add(null);
                    unparsable.put(f, cell);
                }
            }
            String label = row.cells().get(labelColumn);
            String source = sourceColumn >= 0 ? row.cells().get(sourceColumn) : "";
            out.add(new SampleCandidate(
                    at,
                    values,
                    unparsable,
                    label.isEmpty() ? null : label,
                    source.isEmpty() ? DEFAULT_SOURCE : source,
                    null));
        }
        return out;
    }

    private static List<Row> rows(String text, int maxRows) {
        List<Row> rows = new ArrayList<>();
        try (CsvParser p = (CsvParser) FACTORY.createParser(new StringReader(text))) {
            p.setSchema(CsvSchema.emptySchema());
            JsonToken t = p.nextToken(); // the outer array wrapping all records
            if (t != JsonToken.START_ARRAY) {
                return rows;
            }
            List<String> cells = null;
            long line = -1;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    cells = new ArrayList<>();
                    line = -1;
                } else if (t == JsonToken.VALUE_STRING && cells != null) {
                    if (line < 0) {
                        line = p.currentTokenLocation().getLineNr();
                    }
                    cells.add(p.getText());
                } else if (t == JsonToken.END_ARRAY && cells != null) {
                    if (!cells.isEmpty()) {
                        rows.add(new Row(line, cells));
                        if (rows.size() > maxRows + 1) {
                            throw new ApiException(
                                    413,
                                    "Content Too Large",
                                    "more than " + maxRows
                                            + " CSV records in one request (edgeloop.data.max-batch-size): split the file",
                                    List.of());
                        }
                    }
                    cells = null;
                }
            }
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw ApiException.badRequest("malformed CSV at line " + line + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable CSV: " + e.getMessage());
        }
        return rows;
    }
}
