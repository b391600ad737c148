package io.edgeloop.data.domain;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks shared by the bulk sample operations (label, delete): size bound and well-formed, distinct ids. */
final class Bulk {
    /** Longest sample id (ids are 64 hex characters). */
    static final int MAX_ID_LENGTH = 64;

    private Bulk() {}

    /** 422 for an empty request (naming {@code ids}), 413 past {@code max} entries. */
    static void requireSize(int size, int max) {
        requireSize(size, max, "ids");
    }

    /** 422 for an empty request, naming its list {@code field}; 413 past {@code max} entries. */
    static void requireSize(int size, int max, String field) {
        if (size == 0) {
            throw ApiException.invalid(
                    "nothing to do", List.of(new FieldError(field, "at least one sample id is required")));
        }
        if (size > max) {
            throw new ApiException(
                    413,
                    "Content Too Large",
                    size + " samples in one request; at most " + max + " (edgeloop.data.curation.max-bulk-size)",
                    List.of());
        }
    }

    /**
     * Adds an error for every missing, overlong or repeated id (named by its field) and returns the distinct
     * well-formed ids, in order.
     */
    static List<String> checkIds(List<String> ids, List<String> fields, Set<FieldError> errors) {
        Map<String, String> seen = new HashMap<>();
        List<String> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null || id.isBlank()) {
                errors.add(new FieldError(fields.get(i), "missing sample id"));
            } else if (id.length() > MAX_ID_LENGTH) {
                errors.add(new FieldError(fields.get(i), "not a sample id (at most " + MAX_ID_LENGTH + " characters)"));
            } else if (seen.putIfAbsent(id, fields.get(i)) != null) {
                errors.add(new FieldError(fields.get(i), "duplicate sample id (also " + seen.get(id) + ")"));
            } else {
                out.add(id);
            }
        }
        return out;
    }
}
