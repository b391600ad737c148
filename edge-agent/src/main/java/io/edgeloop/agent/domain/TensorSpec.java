package io.edgeloop.agent.domain;

import java.util.Arrays;
import java.util.List;

/**
 * One input or output of a loaded model as ONNX Runtime reports it: name, datatype and shape ({@code -1} for a
 * dynamic dimension).
 */
public record TensorSpec(String name, DataType datatype, long[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape as a list (JSON, gRPC). */
    public List<Long> shapeList() {
        return Arrays.stream(shape).boxed().toList();
    }

    /** Rank (number of dimensions). */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /**
     * Whether dimension 0 is a batch dimension: dynamic or 1 in a tensor of rank 2 or more (a rank-1 input is one
     * sample).
     */
    public boolean batched() {
        return shape.length >= 2 && (shape[0] < 0 || shape[0] == 1);
    }

    /** Elements of one sample (the product of the dimensions after the batch), -1 when one of them is dynamic. */
    public long sampleElements() {
        long n = 1;
        for (int i = batched() ? 1 : 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            n *= shape[i];
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + datatype + Arrays.toString(shape);
    }
}
