package io.edgeloop.compiler.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an uploader declared about a model's inputs and outputs (all optional): which input carries the features,
 * which output carries the class scores ({@link #NO_SCORES} = none: the model is not a classifier), and the value of
 * every element of the other inputs (zeros when not declared). Kept with the registry version as tags
 * ({@link #tags()}), so that recompiling the version feeds it the same way.
 *
 * @param featureInput the feature input's name; empty: chosen from the model
 * @param scoreOutput the class-score output's name, {@link #NO_SCORES}, or empty: chosen from the model
 * @param inputDefaults input name -> value of its elements
 */
public record ModelIo(String featureInput, String scoreOutput, Map<String, Double> inputDefaults) {
    /** {@link #scoreOutput()} of a model whose outputs are not class scores. */
    public static final String NO_SCORES = "none";
    /** Nothing declared. */
    public static final ModelIo AUTO = new ModelIo("", "", Map.of());

    static final String TAG_FEATURE_INPUT = "feature_input";
    static final String TAG_SCORE_OUTPUT = "score_output";
    static final String TAG_INPUT_DEFAULTS = "input_defaults";

    public ModelIo {
        featureInput = featureInput == null ? "" : featureInput.trim();
        scoreOutput = scoreOutput == null ? "" : scoreOutput.trim();
        inputDefaults = inputDefaults == null ? Map.of() : Map.copyOf(inputDefaults);
    }

    /** Whether the uploader said the model has no class-score output. */
    public boolean noScores() {
        return scoreOutput.equalsIgnoreCase(NO_SCORES);
    }

    /** Registry version tags that keep this declaration (none when nothing is declared). */
    public Map<String, String> tags() {
        Map<String, String> t = new LinkedHashMap<>();
        if (!featureInput.isEmpty()) {
            t.put(TAG_FEATURE_INPUT, featureInput);
        }
        if (!scoreOutput.isEmpty()) {
            t.put(TAG_SCORE_OUTPUT, scoreOutput);
        }
        if (!inputDefaults.isEmpty()) {
            t.put(TAG_INPUT_DEFAULTS, compact(inputDefaults));
        }
        return t;
    }

    /** The declaration kept in a registry version's tags ({@link #AUTO} when none). */
    public static ModelIo fromTags(Map<String, String> tags) {
        Map<String, Double> defaults = new LinkedHashMap<>();
        String d = tags.getOrDefault(TAG_INPUT_DEFAULTS, "");
        for (String pair : d.split(";")) {
            int eq = pair.lastIndexOf('=');
            if (eq > 0) {
                try {
                    defaults.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
                } catch (NumberFormatException ignored) {
                    // a tag not written by this service: ignore the entry
                }
            }
        }
        return new ModelIo(tags.get(TAG_FEATURE_INPUT), tags.get(TAG_SCORE_OUTPUT), defaults);
    }

    /** {@code name=value;name=value} in name order. */
    static String compact(Map<String, Double> values) {
        return values.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + format(e.getValue()))
                .collect(Collectors.joining(";"));
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
