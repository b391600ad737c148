package io.edgeloop.kit.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.edgeloop.kit.input.InputRules;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Strict JSON for every app: fractional numbers are not integers ({@code {"version": 1.7}} is an error, not version
 * 1), duplicate keys and anything after the value are errors, strings are not numbers or booleans and numbers are not strings, and no string
 * value or key (in a typed field, a map key or anywhere in a {@link JsonNode}) carries a NUL or other C0 control
 * character (tab, line feed and carriage return are allowed) or more than {@code edgeloop.http.json.max-string-length}
 * characters (default 65536). Every such error is a {@link RejectedJsonException} or a Jackson exception that {@link
 * ProblemMappers} answers with a 400 naming the JSON path.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {
    /** Setting for the longest string value a JSON body may carry. */
    public static final String MAX_STRING_LENGTH_KEY = "edgeloop.http.json.max-string-length";

    @Override
    public void customize(ObjectMapper mapper) {
        int maxLength = ConfigProvider.getConfig()
                .getOptionalValue(MAX_STRING_LENGTH_KEY, Integer.class)
                .orElse(InputRules.DEFAULT_MAX_STRING_LENGTH);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
            mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        SimpleModule module = new SimpleModule("edgeloop-strict-json");
        module.addDeserializer(String.class, new SafeStrings(maxLength));
        module.addKeyDeserializer(String.class, new SafeKeys(maxLength));
        module.addDeserializer(JsonNode.class, new SafeTree<>(JsonNode.class, maxLength));
        module.addDeserializer(ObjectNode.class, new SafeTree<>(ObjectNode.class, maxLength));
        module.addDeserializer(ArrayNode.class, new SafeTree<>(ArrayNode.class, maxLength));
        mapper.registerModule(module);
    }

    /** A JSON value the strict rules refuse; {@link #field()} is its JSON path. */
    public static final class RejectedJsonException extends InvalidFormatException {
        private final String field;
        private final String reason;

        RejectedJsonException(JsonParser p, String field, String reason) {
            super(p, (field.isEmpty() ? "body" : field) + ": " + reason, null, String.class);
            this.field = field;
            this.reason = reason;
        }

        /** JSON path of the refused value, e.g. {@code samples[2].label}; empty for the whole body. */
        public String field() {
            return field;
        }

        /** What is wrong with it, e.g. {@code contains a NUL character}. */
        public String reason() {
            return reason;
        }
    }

    /**
     * The JSON path of the value the parser is at: {@code a.b[3].c}. At the start of an object or array, the path of
     * that container.
     */
    static String pathOf(JsonParser p) {
        JsonStreamContext ctx = p.getParsingContext();
        if (ctx != null && (p.hasToken(JsonToken.START_OBJECT) || p.hasToken(JsonToken.START_ARRAY))) {
            ctx = ctx.getParent();
        }
        return pathOf(ctx);
    }

    /** The JSON path that a parsing context points at. */
    static String pathOf(JsonStreamContext ctx) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push("." + InputRules.printable(c.getCurrentName(), 100));
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static String join(String base, String child) {
        if (child.startsWith("[")) {
            return base + child;
        }
        return base.isEmpty() ? child : base + "." + child;
    }

    private static final class SafeStrings extends StdScalarDeserializer<String> {
        private final int maxLength;

        SafeStrings(int maxLength) {
            super(String.class);
            this.maxLength = maxLength;
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                String value = p.getText();
                String problem = InputRules.problem(value, maxLength);
                if (problem != null) {
                    throw new RejectedJsonException(p, pathOf(p), problem);
                }
                return value;
            }
            if (p.hasToken(JsonToken.VALUE_NULL)) {
                return null;
            }
            throw new RejectedJsonException(p, pathOf(p), "expected a string, got " + describe(p.currentToken()));
        }
    }

    private static final class SafeKeys extends KeyDeserializer {
        private final int maxLength;

        SafeKeys(int maxLength) {
            this.maxLength = maxLength;
        }

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            String problem = InputRules.problem(key, maxLength);
            if (problem != null) {
                JsonParser p = ctxt.getParser();
                throw new RejectedJsonException(p, pathOf(p), "key " + problem);
            }
            return key;
        }
    }

    private static final class SafeTree<T extends JsonNode> extends StdDeserializer<T> {
        private final int maxLength;
        private final Class<T> type;

        SafeTree(Class<T> type, int maxLength) {
            super(type);
            this.type = type;
            this.maxLength = maxLength;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String base = pathOf(p);
            @SuppressWarnings("unchecked")
            JsonDeserializer<T> plain = (JsonDeserializer<T>) JsonNodeDeserializer.getDeserializer(type);
            T node = plain.deserialize(p, ctxt);
            check(p, base, node);
            return node;
        }

        @Override
        public T getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            @SuppressWarnings("unchecked")
            JsonDeserializer<T> plain = (JsonDeserializer<T>) JsonNodeDeserializer.getDeserializer(type);
            return plain.getNullValue(ctxt);
        }

        private void check(JsonParser p, String path, JsonNode node) throws RejectedJsonException {
            if (node == null) {
                return;
            }
            if (node.isTextual()) {
                String problem = InputRules.problem(node.textValue(), maxLength);
                if (problem != null) {
                    throw new RejectedJsonException(p, path, problem);
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    check(p, path + "[" + i + "]", node.get(i));
                }
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String child = join(path, InputRules.printable(e.getKey(), 100));
                    String problem = InputRules.problem(e.getKey(), maxLength);
                    if (problem != null) {
                        throw new RejectedJsonException(p, child, "key " + problem);
                    }
                    check(p, child, e.getValue());
                }
            }
        }
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "a value of another kind";
        };
    }
}
