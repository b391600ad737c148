package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Text output helpers: aligned tables, key-value lines, numbers, lists and the progress bar. */
final class Text {
    private Text() {}

    /** Rows under a header, columns padded to their widest cell and separated by two spaces. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(String... header) {
            columns = header.length;
            rows.add(header);
        }

        Table row(Object... cells) {
            String[] r = new String[columns];
            for (int i = 0; i < columns; i++) {
                r[i] = i < cells.length && cells[i] != null ? String.valueOf(cells[i]) : "-";
            }
            rows.add(r);
            return this;
        }

        int size() {
            return rows.size() - 1;
        }

        void print(PrintWriter out) {
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(i == columns - 1 ? r[i] : pad(r[i], width[i] + 2));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }

    /** {@code key} padded to {@code width}, then the value. */
    static void kv(PrintWriter out, String key, Object value) {
        out.println(pad(key, 14) + (value == null ? "-" : value));
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** A text value, {@code -} when missing or null. */
    static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? "-" : n.asText();
    }

    /** A number with {@code digits} decimals, {@code -} when missing or null. */
    static String num(JsonNode n, int digits) {
        return n == null || !n.isNumber() ? "-" : String.format(Locale.ROOT, "%." + digits + "f", n.asDouble());
    }

    /** The array's values joined by {@code ", "}, the first {@code max} of them and how many more. */
    static String list(JsonNode array, int max) {
        List<String> parts = new ArrayList<>();
        int n = 0;
        for (JsonNode v : array) {
            if (n++ < max) {
                parts.add(v.asText());
            }
        }
        String joined = String.join(", ", parts);
        return n > max ? joined + " (+" + (n - max) + " more)" : n == 0 ? "-" : joined;
    }

    /** An object's fields as {@code k=v} joined by commas, {@code -} when empty. */
    static String pairs(JsonNode object) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                continue;
            }
            parts.add(e.getKey() + "=" + e.getValue().asText());
        }
        return parts.isEmpty() ? "-" : String.join(",", parts);
    }

    /** A byte count in B, KiB or MiB. */
    static String bytes(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return "-";
        }
        long b = n.asLong();
        if (b < 1024) {
            return b + " B";
        }
        return b < 1024 * 1024
                ? String.format(Locale.ROOT, "%.1f KiB", b / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }

    /** {@code [#####.....]} with {@code width} cells, {@code done} of {@code total} filled. */
    static String bar(int done, int total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.round(width * Math.min(1.0, Math.max(0, done) / (double) total));
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
