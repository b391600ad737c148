package io.edgeloop.registry.tracking;

import io.edgeloop.registry.domain.RegistryException;
import java.util.List;

/** MLflow's limits on tracking keys and values; a violation is INVALID naming the field. */
final class TrackingLimits {
    private static final int MAX_KEY = 250;

    private TrackingLimits() {}

    static void checkKey(String field, String key) {
        if (key == null || key.isBlank()) {
            throw RegistryException.invalid(List.of(field + ": must not be empty"));
        }
        check(field, key, MAX_KEY);
        if (key.contains("..") || key.startsWith("/") || !key.matches("[\\w\\-. /]+")) {
            throw RegistryException.invalid(List.of(field + ": '" + key
                    + "' may only contain letters, digits, underscores, dashes, periods, spaces and slashes"));
        }
    }

    static void check(String field, String value, int max) {
        if (value == null) {
            throw RegistryException.invalid(List.of(field + ": missing"));
        }
        if (value.length() > max) {
            throw RegistryException.invalid(List.of(field + ": at most " + max + " characters, got " + value.length()));
        }
    }
}
