package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** What the console reads from data-service's REST API ({@code /datasets/...}); unknown fields are ignored. */
public final class DataViews {
    private DataViews() {}

    /** A data set ({@code GET /datasets}, {@code GET /datasets/{name}}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dataset(
            String name,
            List<String> featureNames,
            List<String> labels,
            long sampleCount,
            Integer latestVersion,
            String latestSnapshotId,
            String createdAt,
            String dataKind,
            List<Integer> sampleShape) {
        /** Values per sample: the product of its shape, else the number of features. */
        public int valuesPerSample() {
            int n = featureNames == null ? 0 : featureNames.size();
            if (sampleShape != null && !sampleShape.isEmpty()) {
                n = Math.max(n, sampleShape.stream().reduce(1, (a, b) -> a * b));
            }
            return Math.max(1, n);
        }
    }

    /** A snapshot with its split sizes ({@code GET /datasets/{name}/snapshots}, oldest first). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Snapshot(
            int version,
            String snapshotId,
            long trainCount,
            long validationCount,
            long testCount,
            List<String> labels,
            String createdAt,
            String trigger,
            List<String> warnings,
            Long unlabeledCount) {}

    /** A listed sample without its features; {@code label} and {@code split} null when unlabeled. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sample(String id, String label, String split, String source, String ingestedAt) {}

    /** A page of samples; {@code next} is the {@code after} of the next page, null on the last one. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SamplePage(List<Sample> samples, String next) {}
}
