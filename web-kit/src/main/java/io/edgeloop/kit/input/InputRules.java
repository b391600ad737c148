package io.edgeloop.kit.input;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one place that says which text a request may carry and what an error message may reveal: shared by the REST
 * layer (JSON strings, path, query and header parameters) and the gRPC layer (every string field of every message).
 */
public final class InputRules {
    /** Default bound on one string value (JSON string, gRPC string field), in characters. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 64 * 1024;

    private static final Pattern LEAKY = Pattern.compile(
            "(?i:\\binsert\\s+into\\b|\\bselect\\b.*\\bfrom\\b|\\bdelete\\s+from\\b|\\bupdate\\s+\\S+\\s+set\\b)"
                    + "|\\bSQL\\b|SQLState|\\bException\\b|(?:[A-Z][a-z0-9]+)+(?:Exception|Error)\\b|\\bat [a-z]+\\.[a-z]+\\."
                    + "|\\b(?:java|javax|jakarta|io\\.edgeloop|io\\.quarkus|io\\.vertx|io\\.grpc|com\\.fasterxml)\\.[a-zA-Z]"
                    + "|org\\.hibernate|org\\.postgresql");

    private InputRules() {}

    /**
     * Why {@code value} is not acceptable as request text, or {@code null} when it is: a NUL or other C0 control
     * character (tab, line feed and carriage return are allowed), an unpaired UTF-16 surrogate, or more than
     * {@code maxLength} characters.
     */
    public static String problem(String value, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.length() > maxLength) {
            return "longer than " + maxLength + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return c == 0
                        ? "contains a NUL character"
                        : "contains the control character U+" + String.format(Locale.ROOT, "%04X", (int) c);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    return "contains an unpaired surrogate";
                }
            } else if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate";
            }
        }
        return null;
    }

    /** {@link #problem(String, int)} with {@link #DEFAULT_MAX_STRING_LENGTH}. */
    public static String problem(String value) {
        return problem(value, DEFAULT_MAX_STRING_LENGTH);
    }

    /**
     * Whether a message meant for a caller may reveal internals: SQL, class or package names, exception names,
     * stack frames, control characters. Such a message is replaced by a generic one (and logged under an error id).
     */
    public static boolean leaks(String message) {
        return message != null && (LEAKY.matcher(message).find() || problem(message, 2000) != null);
    }

    /** A new id to log an error under and to hand to the caller. */
    public static String newErrorId() {
        return UUID.randomUUID().toString();
    }

    /** {@code urn:edgeloop:error:<id>}: the problem {@code instance} of an error logged under {@code errorId}. */
    public static String errorUrn(String errorId) {
        return "urn:edgeloop:error:" + errorId;
    }

    /** {@code text} for a message: control characters replaced, at most {@code max} characters. */
    public static String printable(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
        }
        if (text.length() > max) {
            out.append('…');
        }
        return out.toString();
    }
}
