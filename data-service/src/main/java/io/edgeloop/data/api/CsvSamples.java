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
import java.io.BufferedReader;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a CSV import (RFC 4180 via jackson-dataformat-csv) as a stream of sample candidates, a chunk at a time, so
 * that a file of any length is read with flat memory. The header row names the columns; a {@link CsvMapping} says
 * which hold the data set's features (by default the columns named like them, in any order), the label and the
 * source; a {@code split} column (as the snapshot export writes it) is ignored, splits being assigned at ingest.
 * Errors name the line on which the record starts and the file's column.
 */
final class CsvSamples implements AutoCloseable {
    /** Source recorded for CSV rows without a source column value. */
    static final String DEFAULT_SOURCE = "csv";

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(NaN|nan|Infinity|infinity|Inf|inf)");

    private final CsvParser parser;
    private final Header header;

    private CsvSamples(CsvParser parser, Header header) {
        this.parser = parser;
        this.header = header;
    }

    /** The resolved header: where each mapped column is. */
    private record Header(
            int columns,
            int[] featureColumn,
            List<String> featureColumnNames,
            int labelColumn,
            int sourceColumn,
            String labelName,
            String sourceName) {}

    /** A parsed record: the line it starts on and its cells. */
    record Row(long line, List<String> cells) {}

    /**
     * Opens {@code body} (text in {@code charset}) and reads its header.
     *
     * @throws ApiException 400 for malformed CSV, 422 for a header that does not fit the mapping or an empty file
     */
    static CsvSamples open(
            InputStream body, java.nio.charset.Charset charset, CsvMapping mapping, List<String> featureNames) {
        CsvParser parser = null;
        try {
            parser = parser(body, charset, mapping.delimiter());
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw emptyFile(featureNames);
            }
            Row header = next(parser);
            if (header == null) {
                throw emptyFile(featureNames);
            }
            CsvSamples samples = new CsvSamples(parser, resolve(header, mapping, featureNames));
            parser = null; // owned by samples now
            return samples;
        } catch (IOException e) {
            throw malformed(e);
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // nothing to release beyond the request body
                }
            }
        }
    }

    /**
     * A parser of RFC 4180 records (each wrapped as an array: read them with {@link #next(CsvParser)} after the
     * first {@code START_ARRAY}) over {@code body}, a leading BOM skipped, control characters refused ({@link
     * TextOnly}).
     */
    static CsvParser parser(InputStream body, java.nio.charset.Charset charset, char delimiter) throws IOException {
        Reader reader = new BufferedReader(new InputStreamReader(body, charset), 64 * 1024);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        reader = new TextOnly(reader);
        CsvParser parser = (CsvParser) CsvFactory.builder()
                .enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
                .enable(CsvParser.Feature.TRIM_SPACES)
                .build()
                .createParser(reader);
        parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(delimiter));
        return parser;
    }

    /** A cell as a number: null when it is not one ({@code NaN} and infinities are numbers here). */
    static Double number(String cell) {
        if (DECIMAL.matcher(cell).matches()) {
            return Double.parseDouble(cell);
        }
        if (NON_FINITE.matcher(cell).matches()) {
            return cell.toLowerCase(Locale.ROOT).contains("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        return null;
    }

    /**
     * The next up to {@code max} records as candidates; empty at the end of the file.
     *
     * @throws ApiException 400 for malformed CSV or a control character ({@link TextOnly})
     */
    List<SampleCandidate> next(int max) {
        List<SampleCandidate> out = new ArrayList<>(Math.min(max, 4096));
        try {
            Row row;
            while (out.size() < max && (row = next(parser)) != null) {
                out.add(candidate(row));
            }
        } catch (IOException e) {
            throw malformed(e);
        }
        return out;
    }

    private SampleCandidate candidate(Row row) {
        SampleLocation at =
                SampleLocation.csv(row.line(), header.featureColumnNames(), header.labelName(), header.sourceName());
        if (row.cells().size() != header.columns()) {
            return SampleCandidate.rejected(
                    at,
                    "expected " + header.columns() + " columns, got "
                            + row.cells().size());
        }
        List<Double> values = new ArrayList<>(header.featureColumn().length);
        Map<Integer, String> unparsable = new HashMap<>();
        for (int f = 0; f < header.featureColumn().length; f++) {
            String cell = row.cells().get(header.featureColumn()[f]);
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
        String label = row.cells().get(header.labelColumn());
        String source = header.sourceColumn() >= 0 ? row.cells().get(header.sourceColumn()) : "";
        return new SampleCandidate(
                at,
                values,
                unparsable,
                label.isEmpty() ? null : label,
                source.isEmpty() ? DEFAULT_SOURCE : source,
                null);
    }

    private static Header resolve(Row header, CsvMapping mapping, List<String> featureNames) {
        List<String> cells = header.cells();
        List<FieldError> errors = new ArrayList<>();
        String where = "line " + header.line();
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < cells.size(); c++) {
            if (index.putIfAbsent(cells.get(c), c) != null) {
                errors.add(new FieldError(where, "duplicate column '" + cells.get(c) + "'"));
            }
        }
        List<String> wanted = mapping.featureColumns().isEmpty() ? featureNames : mapping.featureColumns();
        int[] featureColumn = new int[wanted.size()];
        for (int f = 0; f < wanted.size(); f++) {
            Integer c = index.get(wanted.get(f));
            featureColumn[f] = c == null ? -1 : c;
            if (c == null) {
                errors.add(new FieldError(
                        where,
                        "missing column '" + wanted.get(f) + "'"
                                + (wanted == featureNames ? "" : " (feature '" + featureNames.get(f) + "')")));
            }
        }
        Integer label = index.get(mapping.labelColumn());
        if (label == null) {
            errors.add(new FieldError(where, "missing column '" + mapping.labelColumn() + "'"));
        }
        Integer source = index.get(mapping.sourceColumn());
        if (!mapping.ignoreUnmapped()) {
            for (String name : cells) {
                boolean mapped = wanted.contains(name)
                        || name.equals(mapping.labelColumn())
                        || name.equals(mapping.sourceColumn())
                        || name.equals("split"); // written by the snapshot export; splits are assigned at ingest
                if (!mapped) {
                    errors.add(new FieldError(
                            where,
                            "unexpected column '" + name + "' (map it with feature=..., or pass unmapped=ignore)"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid CSV header", errors);
        }
        return new Header(
                cells.size(),
                featureColumn,
                List.copyOf(wanted),
                label,
                source == null ? -1 : source,
                mapping.labelColumn(),
                mapping.sourceColumn());
    }

    /** The next record, or null at the end. */
    static Row next(CsvParser p) throws IOException {
        JsonToken t;
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
                    return new Row(line, cells);
                }
                cells = null;
            }
        }
        return null;
    }

    /**
     * Refuses, as it is read, a NUL or other control character (tab, line feed and carriage return allowed) or an
     * unpaired surrogate anywhere in the file: 400 naming the line, before the CSV parser (which trims such
     * characters from cells) sees it.
     */
    private static final class TextOnly extends FilterReader {
        private long line = 1;
        private boolean pendingHigh;

        TextOnly(Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            char[] one = new char[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0];
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            for (int i = off; i < off + n; i++) {
                check(buf[i]);
            }
            if (n < 0 && pendingHigh) {
                fail("\uD800");
            }
            return n;
        }

        private void check(char c) {
            if (pendingHigh) {
                pendingHigh = false;
                if (Character.isLowSurrogate(c)) {
                    return;
                }
                fail("\uD800");
            }
            if (c == '\n') {
                line++;
            } else if (Character.isHighSurrogate(c)) {
                pendingHigh = true;
            } else if (Character.isLowSurrogate(c) || c < 0x20 && c != '\t' && c != '\r') {
                fail(String.valueOf(c));
            }
        }

        private void fail(String text) {
            String problem = InputRules.problem(text, 2);
            if (problem == null) {
                problem = String.format("control character U+%04X", (int) text.charAt(0));
            }
            throw new ApiException(
                    400,
                    "Bad Request",
                    "malformed CSV: line " + line + " " + problem,
                    List.of(new FieldError("line " + line, problem)));
        }
    }

    private static ApiException emptyFile(List<String> featureNames) {
        return ApiException.invalid(
                "empty CSV",
                List.of(new FieldError(
                        "line 1", "expected a header row: " + String.join(",", featureNames) + ",label")));
    }

    static ApiException malformed(IOException e) {
        if (e instanceof JsonProcessingException j) {
            long line = j.getLocation() == null ? -1 : j.getLocation().getLineNr();
            return ApiException.badRequest("malformed CSV at line " + line + ": " + j.getOriginalMessage());
        }
        return ApiException.badRequest("unreadable CSV: " + e.getMessage());
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // nothing to release beyond the request body
        }
    }
}
