package io.edgeloop.monitoring.domain;

import java.util.List;

/** Ground truth fed back for reported inferences, and what became of it. */
public final class Feedback {
    private Feedback() {}

    /** Most items in one submission. */
    public static final int MAX_ITEMS = 1000;

    /** Longest inference id or label. */
    public static final int MAX_ID_LENGTH = TelemetryValidation.MAX_ID_LENGTH;

    /**
     * One item: the true class of an inference, by label ({@code label} non-null) or by index.
     *
     * @param field where the item is in the request ({@code items[3]}), for messages
     */
    public record Item(String inferenceId, String label, int classIndex, String field) {}

    /** What became of an item. */
    public enum Outcome {
        /** Stored (or the same label again: counted once). */
        ACCEPTED,
        /** No inference of the model with that id is stored. */
        UNKNOWN_INFERENCE,
        /** The label is not one of the version's classes. */
        INVALID_LABEL,
        /** A device gave feedback for another device's inference. */
        FORBIDDEN
    }

    /**
     * The result of one item.
     *
     * @param duplicate the same label was stored before: nothing changed
     */
    public record Result(String inferenceId, Outcome outcome, String reason, boolean duplicate) {}

    /** The results of a submission, in item order. */
    public record Submission(List<Result> results) {
        /** Items accepted (including duplicates). */
        public long accepted() {
            return results.stream().filter(r -> r.outcome() == Outcome.ACCEPTED).count();
        }
    }

    /**
     * Problems of a submission, naming each field ({@code model_name} / {@code items} / {@code items[i].inferenceId}
     * / {@code items[i].label}); {@code idField}, {@code labelField} and {@code indexField} are the names the API
     * calls those fields. Each problem is {@code {field, message}}.
     */
    public static List<String[]> problems(
            String modelName, List<Item> items, String idField, String labelField, String indexField) {
        List<String[]> p = new java.util.ArrayList<>();
        if (modelName == null || modelName.isBlank() || modelName.length() > MAX_ID_LENGTH) {
            p.add(new String[] {"model_name", "must be 1 to " + MAX_ID_LENGTH + " characters"});
        }
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            p.add(new String[] {"items", "must hold 1 to " + MAX_ITEMS + " items, not " + items.size()});
        }
        for (int i = 0; i < items.size() && i < MAX_ITEMS; i++) {
            Item it = items.get(i);
            if (it.inferenceId() == null
                    || it.inferenceId().isBlank()
                    || it.inferenceId().length() > MAX_ID_LENGTH) {
                p.add(new String[] {it.field() + "." + idField, "must be 1 to " + MAX_ID_LENGTH + " characters"});
            }
            if (it.label() != null && (it.label().isBlank() || it.label().length() > MAX_ID_LENGTH)) {
                p.add(new String[] {it.field() + "." + labelField, "must be 1 to " + MAX_ID_LENGTH + " characters"});
            } else if (it.label() == null && it.classIndex() < 0) {
                p.add(new String[] {it.field() + "." + indexField, "must be a class label or a class index >= 0"});
            }
        }
        return p;
    }
}
