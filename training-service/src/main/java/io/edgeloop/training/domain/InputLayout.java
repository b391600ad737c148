package io.edgeloop.training.domain;

import java.util.Arrays;
import java.util.List;

/**
 * How a flat sample of {@code featureCount} values is fed to a network: the model's input shape without the batch
 * dimension ({@code [F]} for an MLP, {@code [C, L]} for a 1D-CNN or a GRU, {@code [C, H, W]} for a 2D-CNN).
 *
 * @param kind what the dataset's samples are
 * @param shape the model input's shape without the batch dimension; its product is {@code featureCount}
 */
public record InputLayout(DataKind kind, int[] shape) {
    public InputLayout {
        shape = shape.clone();
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("sample shape needs positive dimensions: " + Arrays.toString(shape));
        }
    }

    /** Values per sample. */
    public int featureCount() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** Input channels (1 for a flat vector). */
    public int channels() {
        return shape.length == 1 ? 1 : shape[0];
    }

    /** The shape as a list. */
    public List<Integer> shapeList() {
        return Arrays.stream(shape).boxed().toList();
    }

    /**
     * Works out the model input for a dataset and an architecture.
     *
     * @param declared the dataset's sample shape, empty = {@code [featureCount]}
     * @throws IllegalArgumentException when the shape does not fit the feature count or the architecture
     */
    public static InputLayout resolve(DataKind kind, List<Integer> declared, int featureCount, Architecture arch) {
        int[] s = declared == null || declared.isEmpty()
                ? new int[] {featureCount}
                : declared.stream().mapToInt(Integer::intValue).toArray();
        int product = Arrays.stream(s).reduce(1, (a, b) -> a * b);
        if (Arrays.stream(s).anyMatch(d -> d < 1) || product != featureCount) {
            throw new IllegalArgumentException(
                    "sample shape " + Arrays.toString(s) + " does not match the feature count " + featureCount);
        }
        return switch (arch) {
            case MLP -> new InputLayout(kind, new int[] {featureCount});
            case CNN1D, GRU, LSTM -> {
                if (s.length == 1) {
                    yield new InputLayout(kind, new int[] {1, s[0]});
                }
                if (s.length == 2) {
                    yield new InputLayout(kind, s);
                }
                throw new IllegalArgumentException(
                        arch.wireName() + " needs samples of shape [channels, steps], got " + Arrays.toString(s));
            }
            case CNN2D -> {
                if (s.length == 3) {
                    yield new InputLayout(kind, s);
                }
                if (s.length == 2) {
                    yield new InputLayout(kind, new int[] {1, s[0], s[1]});
                }
                int side = (int) Math.round(Math.sqrt(s[0]));
                if (s.length == 1 && side * side == s[0]) {
                    yield new InputLayout(kind, new int[] {1, side, side});
                }
                throw new IllegalArgumentException(
                        "cnn2d needs samples of shape [channels, height, width], got " + Arrays.toString(s));
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputLayout other && kind == other.kind && Arrays.equals(shape, other.shape);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return kind.wireName() + Arrays.toString(shape);
    }
}
