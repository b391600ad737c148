package io.edgeloop.console.web;

import io.edgeloop.kit.api.ApiException;
import java.util.regex.Pattern;

/** Checks of the identifiers the pages take from their paths and queries, before any service is called. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

    private Names() {}

    /** Whether {@code name} is a model or data set name (safe in a path). */
    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether {@code id} is an object id (training run, rollout; safe in a path or fragment). */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * A model (or data set) name.
     *
     * @throws ApiException 400 otherwise
     */
    public static String model(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest(
                    "model name: 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /**
     * An object id (training run).
     *
     * @throws ApiException 400 otherwise
     */
    public static String id(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest(
                    what + ": 1 to 128 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit");
        }
        return id;
    }

    /**
     * An optional positive version number; null when absent.
     *
     * @throws ApiException 400 when present and not a number from 1 to 1,000,000
     */
    public static Integer version(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!v.matches("[0-9]{1,7}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 1_000_000) {
            throw ApiException.badRequest("version: a number from 1 to 1000000");
        }
        return Integer.parseInt(v);
    }
}
