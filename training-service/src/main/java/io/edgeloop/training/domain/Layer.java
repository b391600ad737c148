package io.edgeloop.training.domain;

/**
 * One exported layer of a trained network, with its weights on the heap. A network is a list of layers applied in
 * order to the standardized input; the last layer is a {@link Dense} producing the logits.
 */
public sealed interface Layer
        permits Layer.Dense,
                Layer.Conv,
                Layer.Relu,
                Layer.MaxPool,
                Layer.GlobalAvgPool,
                Layer.Recurrent,
                Layer.LastStep {

    /** Number of trainable values. */
    default long parameterCount() {
        return 0;
    }

    /** Output shape (without batch) for an input shape (without batch). */
    int[] outputShape(int[] input);

    /** Multiply-accumulates for one sample of {@code input} shape. */
    default long macs(int[] input) {
        return 0;
    }

    /**
     * A fully connected layer on a flat input.
     *
     * @param weights weight [out, in] and bias [out]
     */
    record Dense(DenseLayer weights) implements Layer {
        @Override
        public long parameterCount() {
            return (long) weights.weight().length + weights.bias().length;
        }

        @Override
        public int[] outputShape(int[] input) {
            return new int[] {weights.outputs()};
        }

        @Override
        public long macs(int[] input) {
            return (long) weights.inputs() * weights.outputs();
        }
    }

    /**
     * A 1D or 2D convolution, stride 1, symmetric zero padding.
     *
     * @param weight [filters, inChannels, k] or [filters, inChannels, k, k] (PyTorch = ONNX layout)
     * @param bias [filters]
     * @param inChannels input channels
     * @param filters output channels
     * @param kernel kernel size per spatial dimension
     * @param padding zero padding per side
     * @param spatialDims 1 or 2
     */
    record Conv(float[] weight, float[] bias, int inChannels, int filters, int kernel, int padding, int spatialDims)
            implements Layer {
        public Conv {
            long expected = (long) filters * inChannels * (spatialDims == 2 ? kernel * kernel : kernel);
            if (weight.length != expected || bias.length != filters || spatialDims < 1 || spatialDims > 2) {
                throw new IllegalArgumentException("conv arrays do not match its shape");
            }
        }

        @Override
        public long parameterCount() {
            return (long) weight.length + bias.length;
        }

        @Override
        public int[] outputShape(int[] input) {
            int[] out = input.clone();
            out[0] = filters;
            for (int d = 1; d < out.length; d++) {
                out[d] = input[d] + 2 * padding - kernel + 1;
            }
            return out;
        }

        @Override
        public long macs(int[] input) {
            int[] out = outputShape(input);
            long positions = 1;
            for (int d = 1; d < out.length; d++) {
                positions *= out[d];
            }
            return positions * filters * (weight.length / filters);
        }
    }

    /** Element-wise max(0, x). */
    record Relu() implements Layer {
        @Override
        public int[] outputShape(int[] input) {
            return input.clone();
        }
    }

    /**
     * Max pooling with window = stride = {@code size} over every spatial dimension (floor mode).
     *
     * @param size window and stride
     * @param spatialDims 1 or 2
     */
    record MaxPool(int size, int spatialDims) implements Layer {
        @Override
        public int[] outputShape(int[] input) {
            int[] out = input.clone();
            for (int d = 1; d < out.length; d++) {
                out[d] = input[d] / size;
            }
            return out;
        }
    }

    /** Mean over all spatial positions, then flattened to [channels]. */
    record GlobalAvgPool() implements Layer {
        @Override
        public int[] outputShape(int[] input) {
            return new int[] {input[0]};
        }
    }

    /**
     * A recurrent layer over the time axis of a [inputs, steps] sequence ({@link Gru}, {@link Lstm}): its arrays hold
     * {@link #gates()} blocks of {@code hidden} rows each; output [hidden, steps].
     */
    sealed interface Recurrent extends Layer permits Gru, Lstm {
        float[] inputWeight();

        float[] recurrentWeight();

        float[] inputBias();

        float[] recurrentBias();

        int inputs();

        int hidden();

        /** Gate blocks per array: 3 for a GRU, 4 for an LSTM. */
        int gates();

        @Override
        default long parameterCount() {
            return (long) inputWeight().length + recurrentWeight().length + inputBias().length + recurrentBias().length;
        }

        @Override
        default int[] outputShape(int[] input) {
            return new int[] {hidden(), input[1]};
        }

        @Override
        default long macs(int[] input) {
            return (long) input[1] * gates() * hidden() * (inputs() + hidden());
        }

        /** Checks the arrays of a layer with {@code gates} gate blocks against its shape. */
        static void check(
                String kind,
                int gates,
                float[] inputWeight,
                float[] recurrentWeight,
                float[] inputBias,
                float[] recurrentBias,
                int inputs,
                int hidden) {
            int rows = gates * hidden;
            if (inputs < 1
                    || hidden < 1
                    || inputWeight.length != rows * inputs
                    || recurrentWeight.length != rows * hidden
                    || inputBias.length != rows
                    || recurrentBias.length != rows) {
                throw new IllegalArgumentException(kind + " arrays do not match its shape");
            }
        }
    }

    /**
     * A GRU layer over the time axis of a [inputs, steps] sequence, PyTorch's formulation and layout: gates in the
     * order r, z, n, {@code n = tanh(W_in x + b_in + r * (W_hn h + b_hn))} (ONNX {@code linear_before_reset=1}),
     * initial state zero. Output [hidden, steps]: the hidden state after every step.
     *
     * @param inputWeight [3 * hidden, inputs], gate blocks r, z, n
     * @param recurrentWeight [3 * hidden, hidden], gate blocks r, z, n
     * @param inputBias [3 * hidden]
     * @param recurrentBias [3 * hidden]
     * @param inputs input features per step
     * @param hidden state size
     */
    record Gru(
            float[] inputWeight,
            float[] recurrentWeight,
            float[] inputBias,
            float[] recurrentBias,
            int inputs,
            int hidden)
            implements Recurrent {
        public Gru {
            Recurrent.check("gru", 3, inputWeight, recurrentWeight, inputBias, recurrentBias, inputs, hidden);
        }

        @Override
        public int gates() {
            return 3;
        }
    }

    /**
     * An LSTM layer over the time axis of a [inputs, steps] sequence, PyTorch's formulation and layout: gates in the
     * order i, f, g, o ({@code c = f * c + i * g}, {@code h = o * tanh(c)}; sigmoid gates, tanh cell input), initial
     * hidden and cell state zero. Output [hidden, steps]: the hidden state after every step.
     *
     * @param inputWeight [4 * hidden, inputs], gate blocks i, f, g, o
     * @param recurrentWeight [4 * hidden, hidden], gate blocks i, f, g, o
     * @param inputBias [4 * hidden]
     * @param recurrentBias [4 * hidden]
     * @param inputs input features per step
     * @param hidden state size
     */
    record Lstm(
            float[] inputWeight,
            float[] recurrentWeight,
            float[] inputBias,
            float[] recurrentBias,
            int inputs,
            int hidden)
            implements Recurrent {
        public Lstm {
            Recurrent.check("lstm", 4, inputWeight, recurrentWeight, inputBias, recurrentBias, inputs, hidden);
        }

        @Override
        public int gates() {
            return 4;
        }
    }

    /** The last step of a [features, steps] sequence: [features]. */
    record LastStep() implements Layer {
        @Override
        public int[] outputShape(int[] input) {
            return new int[] {input[0]};
        }
    }
}
