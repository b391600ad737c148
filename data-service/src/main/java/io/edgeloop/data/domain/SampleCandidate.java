package io.edgeloop.data.domain;

import java.util.List;
import java.util.Map;

/**
 * A sample as received, before validation.
 *
 * @param location where it came from (for errors)
 * @param features feature values; null when absent, a null element is a missing value
 * @param unparsable feature index -> raw text of values that were present but not numbers
 * @param label class label as sent, may be null
 * @param source free-form origin (e.g. "demo", "csv"), may be null
 * @param rejected why the input could not be read as a sample at all (e.g. a CSV record with the wrong number of
 *     columns), or null
 */
public record SampleCandidate(
        SampleLocation location,
        List<Double> features,
        Map<Integer, String> unparsable,
        String label,
        String source,
        String rejected) {
    public SampleCandidate {
        unparsable = unparsable == null ? Map.of() : Map.copyOf(unparsable);
    }

    /** A candidate that is invalid as a whole, for {@code reason}. */
    public static SampleCandidate rejected(SampleLocation location, String reason) {
        return new SampleCandidate(location, null, Map.of(), null, null, reason);
    }
}
