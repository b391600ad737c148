package io.edgeloop.data.domain;

import io.edgeloop.kit.api.ApiException;
import java.util.regex.Pattern;

/** Dataset name rules: {@code [a-z0-9][a-z0-9-]{0,62}}. */
public final class DatasetNames {
    /** Pattern every dataset name matches. */
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private DatasetNames() {}

    /** Whether {@code name} is a valid dataset name. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /** Throws 400 unless {@code name} is valid. */
    public static String require(String name) {
        if (!isValid(name)) {
            throw ApiException.badRequest("invalid dataset name '" + name + "': expected " + PATTERN.pattern()
                    + " (lower case, digits, '-')");
        }
        return name;
    }
}
