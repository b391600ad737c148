package io.edgeloop.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.agent.domain.DataType;
import io.edgeloop.agent.domain.Tensor;
import io.edgeloop.agent.domain.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol's JSON tensors: request inputs ({@code name, shape, datatype, parameters, data} with
 * data flat or nested, row-major) to {@link Tensor}s, and tensors to response outputs / metadata tensors.
 */
final class KServeJson {
    private KServeJson() {}

    /** A request the protocol cannot accept: answered 400 {@code {"error": message}}. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** The request's {@code inputs} by name. */
    static Map<String, Tensor> inputs(JsonNode request) {
        JsonNode inputs = request.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw new BadRequest("'inputs' must be a non-empty array of tensors");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = tensor(inputs.get(i), "inputs[" + i + "]");
            if (out.put(t.name(), t) != null) {
                throw new BadRequest("input '" + t.name() + "' is given twice");
            }
        }
        return out;
    }

    /** The names in the request's optional {@code outputs}. */
    static List<String> requestedOutputs(JsonNode request) {
        JsonNode outputs = request.get("outputs");
        if (outputs == null || outputs.isNull()) {
            return List.of();
        }
        if (!outputs.isArray()) {
            throw new BadRequest("'outputs' must be an array of {\"name\": ...}");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode name = outputs.get(i).get("name");
            if (name == null || !name.isTextual()) {
                throw new BadRequest("outputs[" + i + "].name must be a string");
            }
            names.add(name.asText());
        }
        return names;
    }

    private static Tensor tensor(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new BadRequest(where + " must be an object");
        }
        JsonNode name = node.get("name");
        JsonNode shape = node.get("shape");
        JsonNode datatype = node.get("datatype");
        JsonNode data = node.get("data");
        if (name == null || !name.isTextual()) {
            throw new BadRequest(where + ".name must be a string");
        }
        String n = name.asText();
        if (datatype == null || !datatype.isTextual()) {
            throw new BadRequest("input '" + n + "': datatype must be a string");
        }
        DataType type = DataType.named(datatype.asText())
                .orElseThrow(() -> new BadRequest("input '" + n + "': datatype '" + datatype.asText()
                        + "' is not supported; supported: " + DataType.NAMES));
        if (shape == null || !shape.isArray()) {
            throw new BadRequest("input '" + n + "': shape must be an array of integers");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong()
                    || !shape.get(i).isIntegralNumber()
                    || shape.get(i).asLong() < 0) {
                throw new BadRequest("input '" + n + "': shape[" + i + "] must be a non-negative integer");
            }
            dims[i] = shape.get(i).asLong();
        }
        if (data == null || !data.isArray()) {
            throw new BadRequest("input '" + n + "': data must be an array (flat or nested, row-major)");
        }
        // straight into the datatype's array, row-major (no intermediate list of the elements)
        Object values = type.newArray(count(data));
        fill(data, type, values, 0, n);
        return new Tensor(n, type, dims, values);
    }

    /** Elements of flat or nested {@code data} (leaves). */
    private static int count(JsonNode node) {
        if (!node.isArray()) {
            return 1;
        }
        int n = 0;
        for (int i = 0; i < node.size(); i++) {
            JsonNode e = node.get(i);
            n = Math.addExact(n, e.isArray() ? count(e) : 1);
        }
        return n;
    }

    /** Sets the leaves of {@code node} from element {@code at} on; returns the next element's index. */
    private static int fill(JsonNode node, DataType type, Object array, int at, String name) {
        if (!node.isArray()) {
            set(type, array, at, node, name);
            return at + 1;
        }
        int i = at;
        for (int k = 0; k < node.size(); k++) {
            i = fill(node.get(k), type, array, i, name);
        }
        return i;
    }

    private static void set(DataType type, Object array, int i, JsonNode v, String name) {
        switch (type) {
            case BOOL -> {
                if (!v.isBoolean()) {
                    throw bad(name, i, v, type);
                }
                ((boolean[]) array)[i] = v.asBoolean();
            }
            case INT64 -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw bad(name, i, v, type);
                }
                ((long[]) array)[i] = v.asLong();
            }
            case INT32, INT16, INT8, UINT8 -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong() || !inRange(type, v.asLong())) {
                    throw bad(name, i, v, type);
                }
                Tensor.set(type, array, i, v.asLong());
            }
            default -> {
                if (!v.isNumber()) {
                    throw bad(name, i, v, type); // finiteness and range are the model's check (400 as well)
                }
                Tensor.set(type, array, i, v.asDouble());
            }
        }
    }

    private static BadRequest bad(String name, int i, JsonNode v, DataType type) {
        return new BadRequest("input '" + name + "': data[" + i + "] = " + v + " is not a valid " + type + " value");
    }

    private static boolean inRange(DataType type, long v) {
        return switch (type) {
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case UINT8 -> v >= 0 && v <= 255;
            default -> true;
        };
    }

    /** A response output tensor: name, shape, datatype and flat row-major data. */
    static Map<String, Object> output(Tensor t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("shape", t.shape());
        m.put("datatype", t.datatype().name());
        m.put("data", t.jsonData());
        return m;
    }

    /** A metadata tensor: name, datatype and shape (-1 for a dynamic dimension). */
    static Map<String, Object> metadata(TensorSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("datatype", t.datatype().name());
        m.put("shape", t.shape());
        return m;
    }
}
