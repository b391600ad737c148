package io.edgeloop.data.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.SnapshotEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Writes a snapshot's samples, streamed from a database cursor (memory flat in the snapshot's size), ordered by
 * sample id: CSV with a header of the feature names, {@code label} and {@code split} (importable again with {@code
 * POST /datasets/{name}/samples/csv}, which ignores the split column), or NDJSON, one {@code {"sampleId", "features",
 * "label", "split"}} object per line. Floats are written in their shortest exact form, so a round trip keeps every
 * value bit for bit.
 */
@ApplicationScoped
public class SnapshotExport {
    /** Export formats. */
    public enum Format {
        CSV,
        NDJSON;

        /**
         * Parses {@code csv} or {@code ndjson} (any case).
         *
         * @throws IllegalArgumentException otherwise
         */
        public static Format parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("must be csv or ndjson");
            }
        }
    }

    private static final short[] ALL_SPLITS = {Split.TRAIN.code(), Split.VALIDATION.code(), Split.TEST.code()};

    @Inject
    SampleStore store;

    @Inject
    ObjectMapper json;

    /** Streams {@code snapshot} (of a data set with {@code featureNames}) to {@code out} in {@code format}. */
    @Transactional
    public void write(SnapshotEntity snapshot, List<String> featureNames, Format format, OutputStream out)
            throws IOException {
        List<String> labels = List.of(snapshot.labels);
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        try {
            if (format == Format.CSV) {
                for (String f : featureNames) {
                    w.write(csv(f));
                    w.write(',');
                }
                w.write("label,split\n");
            }
            store.streamMembers(snapshot.id, ALL_SPLITS, 1000, row -> {
                try {
                    String label = labels.get(row.labelIndex());
                    String split = Split.ofCode(row.split()).label();
                    if (format == Format.NDJSON) {
                        w.write(json.writeValueAsString(new Line(row.id(), row.features(), label, split)));
                        w.write('\n');
                    } else {
                        for (float f : row.features()) {
                            w.write(Float.toString(f));
                            w.write(',');
                        }
                        w.write(csv(label));
                        w.write(',');
                        w.write(split);
                        w.write('\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        w.flush();
    }

    /** One NDJSON line. */
    public record Line(String sampleId, float[] features, String label, String split) {}

    /** A CSV cell: quoted (RFC 4180) when it holds a comma, quote or line break. */
    static String csv(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
