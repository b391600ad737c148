package io.edgeloop.data.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.data.domain.SampleCandidate;
import io.edgeloop.data.domain.SampleLocation;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.kit.input.InputRules;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code {"samples": [...]}} batch as a stream of tokens, so that no body within the size limit can exhaust
 * the heap: it stops with 413 at the first sample past {@code maxSamples} and with 400 at the first sample with more
 * than {@code maxFeatures} features, having held at most that many samples. The same strictness as every other body
 * (duplicate keys, NUL and control characters, over-long strings, wrong types) with errors naming the JSON path,
 * e.g. {@code samples[3].label}.
 */
final class SampleBatchReader {
    private final ObjectMapper json;
    private final int maxSamples;
    private final int maxFeatures;
    private final int maxStringLength;

    SampleBatchReader(ObjectMapper json, int maxSamples, int maxFeatures, int maxStringLength) {
        this.json = json;
        this.maxSamples = maxSamples;
        this.maxFeatures = maxFeatures;
        this.maxStringLength = maxStringLength;
    }

    /**
     * The samples of the batch in {@code body} as candidates ({@code samples[i]}; a value that is no number is kept
     * as its text, a null sample is a candidate rejected as missing); null when the body is empty.
     */
    List<SampleCandidate> read(InputStream body) throws IOException {
        try (JsonParser p = json.getFactory().createParser(body)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            expect(first == JsonToken.START_OBJECT, "$", "the body must be an object {\"samples\": [...]}");
            List<SampleCandidate> samples = null;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("samples".equals(field)) {
                    samples = value == JsonToken.VALUE_NULL ? null : samples(p, value);
                } else {
                    p.skipChildren();
                }
            }
            expect(p.nextToken() == null, "$", "nothing may follow the batch object");
            if (samples == null) {
                throw ApiException.invalid("no samples", List.of(new FieldError("samples", "required")));
            }
            return samples;
        }
    }

    private List<SampleCandidate> samples(JsonParser p, JsonToken start) throws IOException {
        expect(start == JsonToken.START_ARRAY, "samples", "must be an array");
        List<SampleCandidate> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (out.size() == maxSamples) {
                throw new ApiException(
                        413,
                        "Content Too Large",
                        "a batch holds at most " + maxSamples + " samples (edgeloop.data.max-batch-size);"
                                + " split it into several requests",
                        List.of(new FieldError("samples", "more than " + maxSamples + " samples")));
            }
            int index = out.size();
            SampleLocation at = SampleLocation.json(index);
            out.add(
                    t == JsonToken.VALUE_NULL
                            ? SampleCandidate.rejected(at, "missing sample")
                            : sample(p, t, at, "samples[" + index + "]"));
        }
        return out;
    }

    private SampleCandidate sample(JsonParser p, JsonToken start, SampleLocation location, String at)
            throws IOException {
        expect(start == JsonToken.START_OBJECT, at, "must be an object");
        Features features = null;
        String label = null;
        String source = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "features" -> features = value == JsonToken.VALUE_NULL ? null : features(p, value, at);
                case "label" -> label = text(p, value, at + ".label");
                case "source" -> source = text(p, value, at + ".source");
                default -> p.skipChildren();
            }
        }
        return features == null
                ? new SampleCandidate(location, null, Map.of(), label, source, null)
                : new SampleCandidate(location, features.values, features.unparsable, label, source, null);
    }

    /** A sample's values (null: missing) and the raw text of those that are no number, by index. */
    private record Features(List<Double> values, Map<Integer, String> unparsable) {}

    private Features features(JsonParser p, JsonToken start, String at) throws IOException {
        expect(start == JsonToken.START_ARRAY, at + ".features", "must be an array");
        List<Double> values = new ArrayList<>();
        Map<Integer, String> unparsable = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            int j = values.size();
            expect(j < maxFeatures, at + ".features", "more than " + maxFeatures + " features");
            switch (t) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> values.add(p.getDoubleValue());
                case VALUE_NULL -> values.add(null);
                case VALUE_STRING, VALUE_TRUE, VALUE_FALSE -> {
                    String raw = t == JsonToken.VALUE_STRING
                            ? text(p, t, at + ".features[" + j + "]")
                            : String.valueOf(t == JsonToken.VALUE_TRUE);
                    values.add(null);
                    unparsable = unparsable == null ? new HashMap<>() : unparsable;
                    unparsable.put(j, raw);
                }
                default -> expect(false, at + ".features[" + j + "]", "must be a number, null or a string");
            }
        }
        return new Features(values, unparsable == null ? Map.of() : unparsable);
    }

    private String text(JsonParser p, JsonToken t, String where) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t == JsonToken.VALUE_STRING, where, "must be a string");
        String s = p.getText();
        String problem = InputRules.problem(s, maxStringLength);
        expect(problem == null, where, problem);
        return s;
    }

    private static void expect(boolean ok, String field, String problem) {
        if (!ok) {
            throw ApiException.invalid(
                    "invalid batch: " + field + " " + problem, List.of(new FieldError(field, problem)));
        }
    }
}
