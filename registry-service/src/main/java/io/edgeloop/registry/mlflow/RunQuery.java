package io.edgeloop.registry.mlflow;

import io.edgeloop.registry.tracking.Run;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MLflow's run search syntax, the subset EdgeLoop answers: a {@code filter} of clauses joined by {@code AND}, each
 * {@code <entity>.<key> <op> <value>} with entity {@code metrics} (numeric: {@code = != < <= > >=}), {@code params},
 * {@code tags} or {@code attributes} ({@code run_id}, {@code run_name}, {@code status}, {@code user_id}: {@code = !=
 * LIKE ILIKE}; {@code start_time}, {@code end_time}: numeric), keys optionally in backquotes, string values in single
 * or double quotes; and {@code order_by} clauses {@code <entity>.<key> [ASC|DESC]} (default {@code start_time DESC}),
 * runs without the key last, run id as the final tie-breaker.
 */
final class RunQuery {
    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*(?:(metrics?|params?|tags?|attributes?|attr)\\.)?(`[^`]+`|[\\w.\\-]+)\\s*"
                    + "(!=|<=|>=|=|<|>|(?i:ILIKE)|(?i:LIKE))\\s*('(?:[^']*)'|\"(?:[^\"]*)\"|-?[0-9.eE+\\-]+)\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern AND = Pattern.compile("\\s+(?i:AND)\\s+");
    private static final List<String> NUMERIC = List.of("start_time", "end_time");
    private static final List<String> ATTRIBUTES =
            List.of("run_id", "run_name", "status", "user_id", "start_time", "end_time");

    private RunQuery() {}

    /** The predicate of {@code filter} (blank: every run). */
    static Predicate<Run> filter(String filter) {
        Predicate<Run> all = r -> true;
        if (filter == null || filter.isBlank()) {
            return all;
        }
        for (String clause : AND.split(filter.trim())) {
            all = all.and(clause(clause));
        }
        return all;
    }

    /** The order of {@code order_by} clauses. */
    static Comparator<Run> order(List<String> orderBy) {
        Comparator<Run> c = null;
        for (String clause : orderBy == null ? List.<String>of() : orderBy) {
            if (clause == null || clause.isBlank()) {
                continue;
            }
            String[] parts = clause.trim().split("\\s+");
            boolean asc = true;
            if (parts.length == 2 && parts[1].matches("(?i)ASC|DESC")) {
                asc = parts[1].equalsIgnoreCase("ASC");
            } else if (parts.length != 1) {
                throw MlflowException.invalid("Invalid order_by clause '" + clause + "'");
            }
            Comparator<Run> key = key(parts[0], clause, asc);
            c = c == null ? key : c.thenComparing(key);
        }
        if (c == null) {
            c = key("attributes.start_time", "start_time DESC", false);
        }
        return c.thenComparing(r -> r.info().runId());
    }

    private static Comparator<Run> key(String field, String clause, boolean asc) {
        Function<Run, Comparable<Object>> value = accessor(field, clause);
        Comparator<Comparable<Object>> natural = Comparator.naturalOrder();
        Comparator<Comparable<Object>> direction = asc ? natural : natural.reversed();
        return Comparator.comparing(value, Comparator.nullsLast(direction));
    }

    @SuppressWarnings("unchecked")
    private static Function<Run, Comparable<Object>> accessor(String field, String clause) {
        Matcher m = Pattern.compile(
                        "(?:(metrics?|params?|tags?|attributes?|attr)\\.)?(`[^`]+`|[\\w.\\-]+)",
                        Pattern.CASE_INSENSITIVE)
                .matcher(field);
        if (!m.matches()) {
            throw MlflowException.invalid("Invalid order_by clause '" + clause + "'");
        }
        String entity = entity(m.group(1), m.group(2), clause);
        String key = m.group(2).replace("`", "");
        return switch (entity) {
            case "metrics" -> r -> (Comparable<Object>) (Comparable<?>) r.metric(key);
            case "params" ->
                r -> (Comparable<Object>) (Comparable<?>) r.params().get(key);
            case "tags" -> r -> (Comparable<Object>) (Comparable<?>) r.tags().get(key);
            default -> r -> (Comparable<Object>) (Comparable<?>) attribute(r, key);
        };
    }

    private static Predicate<Run> clause(String clause) {
        Matcher m = CLAUSE.matcher(clause);
        if (!m.matches()) {
            throw MlflowException.invalid("Invalid filter clause '" + clause.trim()
                    + "': use <metrics|params|tags|attributes>.<key> <op> <value>, joined by AND");
        }
        String entity = entity(m.group(1), m.group(2), clause);
        String key = m.group(2).replace("`", "");
        String op = m.group(3).toUpperCase(Locale.ROOT);
        String raw = m.group(4);
        boolean quoted = raw.startsWith("'") || raw.startsWith("\"");
        String text = quoted ? raw.substring(1, raw.length() - 1) : raw;
        boolean numeric = entity.equals("metrics") || NUMERIC.contains(key) && entity.equals("attributes");
        if (numeric) {
            if (quoted || op.endsWith("LIKE")) {
                throw MlflowException.invalid("'" + clause.trim() + "': " + key + " compares with a number");
            }
            double bound = number(text, clause);
            Function<Run, Double> value = entity.equals("metrics")
                    ? r -> r.metric(key)
                    : r -> attribute(r, key) instanceof Long l ? l.doubleValue() : null;
            return r -> {
                Double v = value.apply(r);
                return v != null && compare(Double.compare(v, bound), op);
            };
        }
        if (!quoted || op.matches("<|<=|>|>=")) {
            throw MlflowException.invalid("'" + clause.trim() + "': " + key + " compares with = != LIKE ILIKE 'text'");
        }
        Function<Run, String> value = switch (entity) {
            case "params" -> r -> r.params().get(key);
            case "tags" -> r -> r.tags().get(key);
            default -> r -> (String) attribute(r, key);
        };
        Predicate<String> test = switch (op) {
            case "=" -> text::equals;
            case "!=" -> v -> !v.equals(text);
            case "LIKE" -> like(text, 0).asMatchPredicate();
            default -> like(text, Pattern.CASE_INSENSITIVE).asMatchPredicate();
        };
        return r -> {
            String v = value.apply(r);
            return v != null && test.test(v);
        };
    }

    private static String entity(String entity, String key, String clause) {
        String e = entity == null ? "attributes" : entity.toLowerCase(Locale.ROOT);
        e = switch (e) {
            case "metric", "metrics" -> "metrics";
            case "param", "params" -> "params";
            case "tag", "tags" -> "tags";
            default -> "attributes";
        };
        if (e.equals("attributes") && !ATTRIBUTES.contains(key.replace("`", ""))) {
            throw MlflowException.invalid(
                    "'" + clause.trim() + "': unknown attribute '" + key + "', use one of " + ATTRIBUTES);
        }
        return e;
    }

    private static Object attribute(Run r, String key) {
        return switch (key) {
            case "run_id" -> r.info().runId();
            case "run_name" -> r.info().runName();
            case "status" -> r.info().status();
            case "user_id" -> r.info().userId();
            case "start_time" -> r.info().startTime();
            default -> r.info().endTime();
        };
    }

    private static boolean compare(int c, String op) {
        return switch (op) {
            case "=" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private static double number(String text, String clause) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw MlflowException.invalid("'" + clause.trim() + "': '" + text + "' is not a number");
        }
    }

    private static Pattern like(String pattern, int flags) {
        StringBuilder regex = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            regex.append(ch == '%' ? ".*" : ch == '_' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(regex.toString(), flags | Pattern.DOTALL);
    }
}
