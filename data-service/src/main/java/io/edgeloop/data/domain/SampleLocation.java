package io.edgeloop.data.domain;

import io.edgeloop.kit.api.Problem.FieldError;
import java.util.List;

/** Where a sample came from in a request, so that every error names the right field or line. */
public interface SampleLocation {
    /** An error about the sample as a whole. */
    FieldError sample(String message);

    /** An error about the feature list as a whole (missing, wrong length). */
    FieldError features(String message);

    /** An error about one feature value. */
    FieldError feature(int index, String message);

    /** An error about the label. */
    FieldError label(String message);

    /** An error about the source. */
    FieldError source(String message);

    /**
     * A sample cut from an uploaded body (a recording's window, an image): errors about its values name {@code field}
     * with {@code prefix} in the message (e.g. {@code windows[3]}, "offset 12: value 4: not finite"); label and source
     * errors name the request's {@code label} and {@code source}.
     */
    static SampleLocation upload(String field, String prefix) {
        return new SampleLocation() {
            @Override
            public FieldError sample(String message) {
                return new FieldError(field, prefix + message);
            }

            @Override
            public FieldError features(String message) {
                return sample(message);
            }

            @Override
            public FieldError feature(int index, String message) {
                return sample("value " + index + ": " + message);
            }

            @Override
            public FieldError label(String message) {
                return new FieldError("label", message);
            }

            @Override
            public FieldError source(String message) {
                return new FieldError("source", message);
            }
        };
    }

    /** Sample {@code index} of a JSON batch: fields like {@code samples[3].features[2]}. */
    static SampleLocation json(int index) {
        String base = "samples[" + index + "]";
        return new SampleLocation() {
            @Override
            public FieldError sample(String message) {
                return new FieldError(base, message);
            }

            @Override
            public FieldError features(String message) {
                return new FieldError(base + ".features", message);
            }

            @Override
            public FieldError feature(int i, String message) {
                return new FieldError(base + ".features[" + i + "]", message);
            }

            @Override
            public FieldError label(String message) {
                return new FieldError(base + ".label", message);
            }

            @Override
            public FieldError source(String message) {
                return new FieldError(base + ".source", message);
            }
        };
    }

    /** A CSV record starting on {@code line}: field {@code line 7}, the message names the column. */
    static SampleLocation csv(long line, List<String> featureNames) {
        return csv(line, featureNames, "label", "source");
    }

    /**
     * A CSV record starting on {@code line} of a file whose columns are mapped: messages name the file's columns
     * ({@code featureColumns} in the data set's feature order, the label and source columns).
     */
    static SampleLocation csv(long line, List<String> featureColumns, String labelColumn, String sourceColumn) {
        String field = "line " + line;
        return new SampleLocation() {
            @Override
            public FieldError sample(String message) {
                return new FieldError(field, message);
            }

            @Override
            public FieldError features(String message) {
                return new FieldError(field, message);
            }

            @Override
            public FieldError feature(int i, String message) {
                String column = i < featureColumns.size() ? featureColumns.get(i) : "#" + i;
                return new FieldError(field, "column '" + column + "': " + message);
            }

            @Override
            public FieldError label(String message) {
                return new FieldError(field, "column '" + labelColumn + "': " + message);
            }

            @Override
            public FieldError source(String message) {
                return new FieldError(field, "column '" + sourceColumn + "': " + message);
            }
        };
    }
}
