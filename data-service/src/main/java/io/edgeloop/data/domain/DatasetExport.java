package io.edgeloop.data.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.LabelStore;
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

/**
 * Writes every live sample of a data set (labelled or not; deleted ones left out), streamed from a database cursor
 * and ordered by id, in the formats of {@link SnapshotExport}: CSV ({@code <features...>,label,split}, an unlabeled
 * sample with an empty label and split; importable again, the import stores it unlabeled) or NDJSON ({@code
 * {"sampleId","features","label","split"}}, label and split null when unlabeled). Floats in their shortest exact form.
 */
@ApplicationScoped
public class DatasetExport {
    @Inject
    LabelStore labels;

    @Inject
    ObjectMapper json;

    @Inject
    DataConfig config;

    /** Streams the live samples of {@code dataset} (with {@code featureNames}) to {@code out} in {@code format}. */
    @Transactional
    public void write(String dataset, List<String> featureNames, SnapshotExport.Format format, OutputStream out)
            throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        try {
            if (format == SnapshotExport.Format.CSV) {
                for (String f : featureNames) {
                    w.write(SnapshotExport.csv(f));
                    w.write(',');
                }
                w.write("label,split\n");
            }
            labels.stream(dataset, config.curation().exportFetchSize(), row -> {
                try {
                    String split =
                            row.split() == 0 ? null : Split.ofCode(row.split()).label();
                    if (format == SnapshotExport.Format.NDJSON) {
                        w.write(json.writeValueAsString(
                                new SnapshotExport.Line(row.id(), row.features(), row.label(), split)));
                        w.write('\n');
                    } else {
                        for (float f : row.features()) {
                            w.write(Float.toString(f));
                            w.write(',');
                        }
                        w.write(row.label() == null ? "" : SnapshotExport.csv(row.label()));
                        w.write(',');
                        w.write(split == null ? "" : split);
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
}
