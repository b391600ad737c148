package io.edgeloop.console.web;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How the pages write numbers, sizes, durations and times (fixed locale, so pages do not vary by machine). */
public final class Fmt {
    private Fmt() {}

    /** {@code 0.9123} -> {@code 91.2 %}; null -> {@code -}. */
    public static String percent(Double fraction) {
        return fraction == null || fraction.isNaN() ? "-" : String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    /** A figure with {@code digits} decimals; null or NaN -> {@code -}. */
    public static String number(Double value, int digits) {
        return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    /** Bytes in B, KB or MB (1024-based). */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    /** Microseconds in µs or ms; null -> {@code -}. */
    public static String micros(Double us) {
        if (us == null || us.isNaN()) {
            return "-";
        }
        return us < 1000 ? String.format(Locale.ROOT, "%.0f µs", us) : String.format(Locale.ROOT, "%.2f ms", us / 1000);
    }

    /** An ISO-8601 instant to {@code 2026-12-07 02:04:05Z}; null -> {@code -}. */
    public static String time(String iso) {
        if (iso == null || iso.isBlank()) {
            return "-";
        }
        String t = iso.replace('T', ' ');
        int dot = t.indexOf('.');
        if (dot > 0) {
            t = t.substring(0, dot) + "Z";
        }
        return t;
    }

    /** {@code text} cut to 300 characters (an ellipsis marks the cut); "-" for null. */
    public static String clip(String text) {
        if (text == null) {
            return "-";
        }
        return text.length() <= 300 ? text : text.substring(0, 299) + "\u2026";
    }

    /** Labels as {@code k=v, k2=v2}, sorted by key. */
    public static String labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "-";
        }
        return new TreeMap<>(labels)
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
