package io.edgeloop.data.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.data.domain.RecordingUpload;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.kit.input.InputRules;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON recording {@code {"label","source","device","startedAt","sampleRateHz","axes":{"accX":[...],...}}}
 * token by token into float arrays (no tree: a long recording costs 4 bytes a value). Values must be numbers within
 * float32 range; every problem is reported at once (up to {@link #MAX_ERRORS}) naming the field, e.g. {@code
 * axes.accY[17]}; 413 past {@code maxLength} values per axis. Same strictness as every body (duplicate keys, control
 * characters, over-long strings).
 */
final class RecordingJsonReader {
    static final int MAX_ERRORS = 1000;

    private final ObjectMapper json;
    private final List<String> axisNames;
    private final int maxLength;
    private final int maxStringLength;
    private final List<FieldError> errors = new ArrayList<>();
    private final Map<String, FloatList> axes = new LinkedHashMap<>();
    private String label;
    private String source;
    private String device;
    private Instant startedAt;
    private Double sampleRateHz;

    RecordingJsonReader(ObjectMapper json, List<String> axisNames, int maxLength, int maxStringLength) {
        this.json = json;
        this.axisNames = axisNames;
        this.maxLength = maxLength;
        this.maxStringLength = maxStringLength;
    }

    /** The recording in {@code body}, windows {@code stride} apart (null: the window length). */
    RecordingUpload read(InputStream body, Integer stride) throws IOException {
        boolean sawAxes = false;
        try (JsonParser p = json.getFactory().createParser(body)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken first = p.nextToken();
            expect(first == JsonToken.START_OBJECT, "$", "the body must be an object {\"axes\": {...}}");
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "label" -> label = text(p, value, "label");
                    case "source" -> source = text(p, value, "source");
                    case "device" -> device = text(p, value, "device");
                    case "startedAt" -> startedAt = instant(text(p, value, "startedAt"));
                    case "sampleRateHz" -> sampleRateHz = number(p, value, "sampleRateHz");
                    case "axes" -> {
                        sawAxes = true;
                        axes(p, value);
                    }
                    default -> p.skipChildren();
                }
            }
            expect(p.nextToken() == null, "$", "nothing may follow the recording object");
            if (!sawAxes) {
                errors.add(new FieldError("axes", "required: {\"" + axisNames.get(0) + "\": [...], ...}"));
            }
        }
        float[][] values = checkAxes(sawAxes);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid recording (" + errors.size() + " errors)", errors);
        }
        return new RecordingUpload("json", label, source, device, startedAt, sampleRateHz, stride, values);
    }

    private void axes(JsonParser p, JsonToken start) throws IOException {
        expect(start == JsonToken.START_OBJECT, "axes", "must be an object of axis name -> array of numbers");
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            String at = "axes." + name;
            if (!axisNames.contains(name)) {
                error(at, "unknown axis (the data set's axes: " + String.join(", ", axisNames) + ")");
                p.skipChildren();
                continue;
            }
            expect(value == JsonToken.START_ARRAY, at, "must be an array of numbers");
            FloatList values = new FloatList(maxLength, at);
            axes.put(name, values);
            for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                values.add(value(p, v, at + "[" + values.size() + "]"));
            }
        }
    }

    /** A value as float32; 0 (with an error) when it is not a finite number in range. */
    private float value(JsonParser p, JsonToken t, String at) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (!Double.isFinite(d) || Float.isInfinite((float) d)) {
                error(at, "out of float32 range");
                return 0;
            }
            return (float) d;
        }
        if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
            p.skipChildren();
        }
        error(at, t == JsonToken.VALUE_NULL ? "missing value" : "not a number");
        return 0;
    }

    /** Every axis present, all of one length; the values in the data set's axis order. */
    private float[][] checkAxes(boolean sawAxes) {
        float[][] out = new float[axisNames.size()][];
        String first = null;
        for (int a = 0; a < axisNames.size(); a++) {
            String name = axisNames.get(a);
            FloatList values = axes.get(name);
            if (values == null) {
                if (sawAxes) {
                    error("axes." + name, "missing axis");
                }
                continue;
            }
            if (first == null) {
                first = name;
            } else if (values.size() != axes.get(first).size()) {
                error(
                        "axes." + name,
                        values.size() + " values, axes." + first + " has "
                                + axes.get(first).size());
            }
            out[a] = values.toArray();
        }
        return out;
    }

    private Double number(JsonParser p, JsonToken t, String at) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT, at, "must be a number");
        return p.getDoubleValue();
    }

    private Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            error("startedAt", "not an ISO-8601 instant (e.g. 2026-12-06T10:15:30Z): '" + text + "'");
            return null;
        }
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

    private void error(String field, String message) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(new FieldError(field, message));
        }
    }

    private static void expect(boolean ok, String field, String problem) {
        if (!ok) {
            throw ApiException.invalid(
                    "invalid recording: " + field + " " + problem, List.of(new FieldError(field, problem)));
        }
    }
}
