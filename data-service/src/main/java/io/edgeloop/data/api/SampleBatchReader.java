package io.edgeloop.data.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.edgeloop.data.api.Dtos.SampleInput;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.kit.input.InputRules;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code {"samples": [...]}} batch as a stream of tokens, so that no body within the size limit can exhaust
 * the heap: it stops with 413 at the first sample past {@code maxSamples} and with 400 at the first sample with more
 * than {@code maxFeatures} features, having held at most that many samples. The same strictness as every other body
 * (duplicate keys, NUL and control characters, over-long strings, wrong types) with errors naming the JSON path,
 * e.g. {@code samples[3].label}.
 */
final class SampleBatchReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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

    /** The samples of the batch in {@code body}; null when the body is empty. */
    List<SampleInput> read(InputStream body) throws IOException {
        try (JsonParser p = json.getFactory().createParser(body)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            expect(first == JsonToken.START_OBJECT, "$", "the body must be an object {\"samples\": [...]}");
            List<SampleInput> samples = null;
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

    private List<SampleInput> samples(JsonParser p, JsonToken start) throws IOException {
        expect(start == JsonToken.START_ARRAY, "samples", "must be an array");
        List<SampleInput> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (out.size() == maxSamples) {
                throw new ApiException(
                        413,
                        "Content Too Large",
                        "a batch holds at most " + maxSamples + " samples (edgeloop.data.max-batch-size);"
                                + " split it into several requests",
                        List.of(new FieldError("samples", "more than " + maxSamples + " samples")));
            }
            String at = "samples[" + out.size() + "]";
            out.add(t == JsonToken.VALUE_NULL ? null : sample(p, t, at));
        }
        return out;
    }

    private SampleInput sample(JsonParser p, JsonToken start, String at) throws IOException {
        expect(start == JsonToken.START_OBJECT, at, "must be an object");
        List<JsonNode> features = null;
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
        return new SampleInput(features, label, source);
    }

    private List<JsonNode> features(JsonParser p, JsonToken start, String at) throws IOException {
        expect(start == JsonToken.START_ARRAY, at + ".features", "must be an array");
        List<JsonNode> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            String where = at + ".features[" + out.size() + "]";
            expect(out.size() < maxFeatures, at + ".features", "more than " + maxFeatures + " features");
            expect(t.isScalarValue(), where, "must be a number, null or a string");
            out.add(scalar(p, t, where));
        }
        return out;
    }

    private JsonNode scalar(JsonParser p, JsonToken t, String where) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_INT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_STRING -> NODES.textNode(text(p, t, where));
            case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(t == JsonToken.VALUE_TRUE);
            default -> NODES.nullNode();
        };
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
