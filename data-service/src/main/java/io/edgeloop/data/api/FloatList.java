package io.edgeloop.data.api;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.util.Arrays;
import java.util.List;

/** A growable list of float32 values with a maximum length (413 naming {@code field} past it). */
final class FloatList {
    private final int max;
    private final String field;
    private float[] values = new float[1024];
    private int size;

    FloatList(int max, String field) {
        this.max = max;
        this.field = field;
    }

    void add(float v) {
        if (size == max) {
            throw new ApiException(
                    413,
                    "Content Too Large",
                    "a recording holds at most " + max + " values per axis (edgeloop.data.recording.max-length)",
                    List.of(new FieldError(field, "more than " + max + " values")));
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, (int) Math.min(max, values.length * 2L));
        }
        values[size++] = v + 0.0f;
    }

    int size() {
        return size;
    }

    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
