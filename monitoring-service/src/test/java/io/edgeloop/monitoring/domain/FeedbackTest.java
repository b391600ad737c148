package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of feedback submissions (every bad field named) and label resolution against a version's classes. */
class FeedbackTest {
    private static List<String> fields(List<String[]> problems) {
        return problems.stream().map(p -> p[0]).toList();
    }

    @Test
    void everyBadFieldIsNamed() {
        List<Feedback.Item> items = List.of(
                new Feedback.Item("ok", "normal", -1, "items[0]"),
                new Feedback.Item(" ", "normal", -1, "items[1]"),
                new Feedback.Item("x".repeat(256), null, 2, "items[2]"),
                new Feedback.Item("id", " ", -1, "items[3]"),
                new Feedback.Item("id", null, -1, "items[4]"));
        assertEquals(
                List.of(
                        "model_name",
                        "items[1].inference_id",
                        "items[2].inference_id",
                        "items[3].label",
                        "items[4].class_index"),
                fields(Feedback.problems("", items, "inference_id", "label", "class_index")));
        assertEquals(List.of("items"), fields(Feedback.problems("m", List.of(), "inferenceId", "label", "label")));
        List<Feedback.Item> many = new ArrayList<>();
        for (int i = 0; i <= Feedback.MAX_ITEMS; i++) {
            many.add(new Feedback.Item("i" + i, "a", -1, "items[" + i + "]"));
        }
        assertEquals(List.of("items"), fields(Feedback.problems("m", many, "inferenceId", "label", "label")));
    }

    @Test
    void labelsResolveByNameOrIndex() {
        VersionFacts f = new VersionFacts(List.of("normal", "imbalance"), 0.9);
        assertEquals(1, f.classOf("imbalance", -1));
        assertEquals(-1, f.classOf("unknown", -1));
        assertEquals(0, f.classOf(null, 0));
        assertEquals(-1, f.classOf(null, 2));
    }
}
