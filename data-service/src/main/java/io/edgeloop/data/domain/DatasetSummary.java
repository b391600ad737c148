package io.edgeloop.data.domain;

import java.time.Instant;
import java.util.List;

/**
 * A dataset's schema and current state.
 *
 * @param name dataset name
 * @param featureNames ordered feature names
 * @param labels ordered class labels (label index = position)
 * @param sampleCount stored samples
 * @param latestVersion version of the latest snapshot, null before the first
 * @param latestSnapshotId {@code <name>@v<version>} of the latest snapshot, null before the first
 * @param createdAt when the dataset was defined
 * @param dataKind {@code features}, {@code timeseries} or {@code image}
 * @param sampleShape shape of one sample (its product is the number of features)
 * @param sampleRateHz sampling rate of a timeseries data set in Hz, null when not declared
 * @param featureKinds kind of each feature, in feature order: {@code numerical} or {@code categorical}
 */
public record DatasetSummary(
        String name,
        List<String> featureNames,
        List<String> labels,
        long sampleCount,
        Integer latestVersion,
        String latestSnapshotId,
        Instant createdAt,
        String dataKind,
        List<Integer> sampleShape,
        Double sampleRateHz,
        List<String> featureKinds) {}
