package io.edgeloop.training.domain;

import java.util.List;
import java.util.Locale;

/** Network families the trainer builds. */
public enum Architecture {
    /** Dense layers with ReLU on a flat input [F]. */
    MLP("mlp", List.of(32, 32)),
    /** Conv1d(k=3, pad 1) -> ReLU -> MaxPool(2) blocks, global average pool, dense head; input [C, L]. */
    CNN1D("cnn1d", List.of(16, 32)),
    /** Conv2d(3x3, pad 1) -> ReLU -> MaxPool(2x2) blocks, global average pool, dense head; input [C, H, W]. */
    CNN2D("cnn2d", List.of(8, 16)),
    /**
     * GRU layers (one per unit count, PyTorch gate layout) over the time steps of a [C, L] window, the last step's
     * hidden state into a dense head; exported as ONNX {@code GRU} nodes ({@code linear_before_reset=1}).
     */
    GRU("gru", List.of(32)),
    /**
     * LSTM layers (one per unit count, PyTorch gate layout i, f, g, o) over the time steps of a [C, L] window, the
     * last step's hidden state into a dense head; exported as ONNX {@code LSTM} nodes (gates reordered to i, o, f, c).
     */
    LSTM("lstm", List.of(32));

    private final String wireName;
    private final List<Integer> defaultUnits;

    Architecture(String wireName, List<Integer> defaultUnits) {
        this.wireName = wireName;
        this.defaultUnits = defaultUnits;
    }

    /** Whether the network is recurrent (GRU or LSTM over the steps of a [C, L] window). */
    public boolean recurrent() {
        return this == GRU || this == LSTM;
    }

    /** Name used in specs and JSON. */
    public String wireName() {
        return wireName;
    }

    /** Hidden widths (MLP), filters per conv block (CNN) or GRU / LSTM state sizes when a spec gives none. */
    public List<Integer> defaultUnits() {
        return defaultUnits;
    }

    /**
     * Parses a wire name; {@code null} for blank or {@code auto} (choose from the data kind).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Architecture parseOrAuto(String name) {
        if (name == null || name.isBlank() || name.trim().equalsIgnoreCase("auto")) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.wireName.equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "unknown architecture " + FieldProblem.quoted(name) + " (known: auto, mlp, cnn1d, cnn2d, gru, lstm)");
    }
}
