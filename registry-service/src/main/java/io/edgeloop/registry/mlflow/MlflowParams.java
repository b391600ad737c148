package io.edgeloop.registry.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading MLflow request parameters: required and optional fields, tags, versions, {@code max_results}, page tokens
 * and {@code order_by} clauses. Every failure is an {@link MlflowException} INVALID_PARAMETER_VALUE naming the field.
 */
public final class MlflowParams {
    /** Largest {@code max_results} of the registry searches. */
    public static final int MAX_RESULTS = 1000;

    private static final int DEFAULT_MAX_RESULTS = 100;
    private static final Pattern ORDER_BY =
            Pattern.compile("\\s*`?([A-Za-z_.]+)`?(?:\\s+(ASC|DESC))?\\s*", Pattern.CASE_INSENSITIVE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private MlflowParams() {}

    /**
     * The JSON body of a DELETE (MLflow clients send its parameters as a JSON body, others as query parameters): an
     * empty object when there is none.
     *
     * @throws MlflowException INVALID_PARAMETER_VALUE when it is not JSON
     */
    public static JsonNode deleteBody(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw MlflowException.invalid("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * One parsed {@code order_by} clause.
     *
     * @param key the field as sent, lower case ({@code name}, {@code last_updated_timestamp}, ...)
     * @param ascending ASC (default) or DESC
     */
    public record OrderBy(String key, boolean ascending) {}

    /**
     * Parses {@code order_by} clauses ({@code "<field> [ASC|DESC]"}), each field one of {@code allowed}.
     *
     * @throws MlflowException INVALID_PARAMETER_VALUE on a malformed clause or another field
     */
    public static List<OrderBy> orderBy(List<String> clauses, List<String> allowed) {
        List<OrderBy> out = new ArrayList<>();
        if (clauses == null) {
            return out;
        }
        for (String clause : clauses) {
            if (clause == null || clause.isBlank()) {
                continue;
            }
            Matcher m = ORDER_BY.matcher(clause);
            String key = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
            if (key == null || !allowed.contains(key)) {
                throw MlflowException.invalid("Invalid order_by clause '" + clause + "': use one of " + allowed
                        + ", optionally followed by ASC or DESC");
            }
            out.add(new OrderBy(key, m.group(2) == null || m.group(2).equalsIgnoreCase("ASC")));
        }
        return out;
    }

    /** {@code max_results}: absent = 100, else 1 to {@code max}. */
    public static int maxResults(String maxResults, int max) {
        if (maxResults == null || maxResults.isBlank()) {
            return Math.min(DEFAULT_MAX_RESULTS, max);
        }
        try {
            int n = Integer.parseInt(maxResults.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MlflowException.invalid("max_results must be between 1 and " + max + ", got " + maxResults);
    }

    /** The offset a page token stands for (0 without a token). */
    public static int offset(String pageToken) {
        if (pageToken == null || pageToken.isBlank()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(pageToken.trim()), StandardCharsets.UTF_8);
            if (decoded.startsWith("offset:")) {
                int offset = Integer.parseInt(decoded.substring(7));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below (NumberFormatException is one)
        }
        throw MlflowException.invalid("invalid page_token '" + pageToken + "'");
    }

    /**
     * A page of a search answer: {@code {key: items}}, with {@code next_page_token} (the page starting at {@code
     * nextOffset}) when {@code more} items follow.
     */
    public static Map<String, Object> page(String key, List<?> items, boolean more, int nextOffset) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put(key, items);
        if (more) {
            result.put("next_page_token", pageToken(nextOffset));
        }
        return result;
    }

    /** The page of {@code all} (in memory) from {@code offset}, at most {@code limit} items, each shaped. */
    public static <T> Map<String, Object> page(
            String key, List<T> all, int offset, int limit, java.util.function.Function<? super T, ?> shape) {
        List<Object> items = all.stream()
                .skip(offset)
                .limit(limit)
                .map(shape)
                .map(o -> (Object) o)
                .toList();
        return page(key, items, all.size() > offset + limit, offset + limit);
    }

    /** The page token of the page that starts at {@code offset}. */
    public static String pageToken(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** A positive version number ({@code "3"}). */
    public static int parseVersion(String version) {
        try {
            int v = Integer.parseInt(version.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MlflowException.invalid("version must be a positive integer, got '" + version + "'");
    }

    /** {@code value}, unless null or blank: then MLflow's "Missing value for required parameter". */
    public static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw MlflowException.invalid("Missing value for required parameter '" + field + "'.");
        }
        return value;
    }

    /** A required string field of a JSON body. */
    public static String requiredText(JsonNode body, String field) {
        return required(field, optionalText(body, field));
    }

    /** A string (or other scalar, as text) field of a JSON body; null when absent or null. */
    public static String optionalText(JsonNode body, String field) {
        if (body == null || !body.hasNonNull(field)) {
            return null;
        }
        JsonNode node = body.get(field);
        if (!node.isValueNode()) {
            throw MlflowException.invalid("'" + field + "' must be a string");
        }
        return node.asText();
    }

    /** A list of strings (a JSON array, or one string) of a JSON body; empty when absent. */
    public static List<String> textList(JsonNode body, String field) {
        List<String> out = new ArrayList<>();
        if (body == null || !body.hasNonNull(field)) {
            return out;
        }
        JsonNode node = body.get(field);
        if (node.isValueNode()) {
            out.add(node.asText());
            return out;
        }
        for (JsonNode item : node) {
            if (!item.isValueNode()) {
                throw MlflowException.invalid("'" + field + "' must be a list of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** {@code tags: [{key, value}]} of a JSON body, in order; every tag needs a key. */
    public static Map<String, String> tags(JsonNode body) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (body == null || !body.hasNonNull("tags")) {
            return tags;
        }
        JsonNode list = body.get("tags");
        if (!list.isArray()) {
            throw MlflowException.invalid("'tags' must be a list of {key, value}");
        }
        for (JsonNode t : list) {
            String key = optionalText(t, "key");
            if (key == null || key.isBlank()) {
                throw MlflowException.invalid("every tag needs a key");
            }
            String value = optionalText(t, "value");
            tags.put(key, value == null ? "" : value);
        }
        return tags;
    }

    /** {@code s} as a LIKE literal ({@code \}, {@code %} and {@code _} escaped). */
    public static String likeLiteral(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
