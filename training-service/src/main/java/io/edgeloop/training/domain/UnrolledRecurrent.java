package io.edgeloop.training.domain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One GRU or LSTM layer built from plain DJL operators (matrix products, sigmoid, tanh), unrolled over the time steps,
 * instead of DJL's {@code ai.djl.nn.recurrent.GRU} / {@code LSTM}, which call PyTorch's fused RNN kernel. PyTorch
 * 2.7.1 runs a fused LSTM as oneDNN's RNN primitive (ISA-specific kernels), which on an AVX-512 AMD EPYC trained to
 * chance accuracy with outputs 0.12 away from the ONNX export's (training-service/README.md, "CPUs"); these operators
 * run no oneDNN primitive at all.
 *
 * <p>Same formulation, parameters and layout as PyTorch, hence as {@link Layer.Gru} / {@link Layer.Lstm} and the ONNX
 * export: parameters {@code l_0_i2h_WEIGHT} [gates * H, inputs], {@code l_0_h2h_WEIGHT} [gates * H, H], {@code
 * l_0_i2h_BIAS}, {@code l_0_h2h_BIAS} [gates * H] (DJL's names and order), gate blocks r, z, n (GRU, {@code n =
 * tanh(W_in x + b_in + r * (W_hn h + b_hn))}) or i, f, g, o (LSTM), zero initial state. Input [N, L, C] batch-first,
 * output [N, L, H]: the hidden state after every step.
 */
final class UnrolledRecurrent extends AbstractBlock {
    private final boolean lstm;
    private final int hidden;
    private final Parameter inputWeight;
    private final Parameter recurrentWeight;
    private final Parameter inputBias;
    private final Parameter recurrentBias;

    private UnrolledRecurrent(boolean lstm, int hidden) {
        if (hidden < 1) {
            throw new IllegalArgumentException("state size must be positive");
        }
        this.lstm = lstm;
        this.hidden = hidden;
        inputWeight = addParameter(param("l_0_i2h_WEIGHT", Parameter.Type.WEIGHT));
        recurrentWeight = addParameter(param("l_0_h2h_WEIGHT", Parameter.Type.WEIGHT));
        inputBias = addParameter(param("l_0_i2h_BIAS", Parameter.Type.BIAS));
        recurrentBias = addParameter(param("l_0_h2h_BIAS", Parameter.Type.BIAS));
    }

    /** An LSTM layer with {@code hidden} units (gate blocks i, f, g, o). */
    static UnrolledRecurrent lstm(int hidden) {
        return new UnrolledRecurrent(true, hidden);
    }

    /** A GRU layer with {@code hidden} units (gate blocks r, z, n). */
    static UnrolledRecurrent gru(int hidden) {
        return new UnrolledRecurrent(false, hidden);
    }

    /** The trained weights as an exportable {@link Layer.Lstm} or {@link Layer.Gru} on {@code inputs} features. */
    Layer layer(int inputs) {
        float[] wIh = inputWeight.getArray().toFloatArray();
        float[] wHh = recurrentWeight.getArray().toFloatArray();
        float[] bIh = inputBias.getArray().toFloatArray();
        float[] bHh = recurrentBias.getArray().toFloatArray();
        return lstm
                ? new Layer.Lstm(wIh, wHh, bIh, bHh, inputs, hidden)
                : new Layer.Gru(wIh, wHh, bIh, bHh, inputs, hidden);
    }

    private static Parameter param(String name, Parameter.Type type) {
        return Parameter.builder().setName(name).setType(type).build();
    }

    private int gates() {
        return lstm ? 4 : 3;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        long rows = (long) gates() * hidden;
        inputWeight.setShape(new Shape(rows, inputShapes[0].get(2)));
        recurrentWeight.setShape(new Shape(rows, hidden));
        inputBias.setShape(new Shape(rows));
        recurrentBias.setShape(new Shape(rows));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), hidden)};
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        var device = x.getDevice();
        NDArray wIh = store.getValue(inputWeight, device, training);
        NDArray wHh = store.getValue(recurrentWeight, device, training);
        NDArray bIh = store.getValue(inputBias, device, training);
        NDArray bHh = store.getValue(recurrentBias, device, training);
        long batch = x.getShape().get(0);
        int steps = (int) x.getShape().get(1);
        // every step's input projection in one product, time-major [L, N, G*H], split into L [1, N, G*H] views; an
        // LSTM adds both biases there, a GRU keeps b_hn apart (n = tanh(W_in x + b_in + r * (W_hn h + b_hn)))
        NDArray projected = x.transpose(1, 0, 2).matMul(wIh.transpose()).add(lstm ? bIh.add(bHh) : bIh);
        NDList perStep = projected.split(steps, 0);
        NDArray recurrentT = wHh.transpose();
        NDArray h = x.getManager().zeros(new Shape(1, batch, hidden));
        NDArray c = h;
        NDArray[] outputs = new NDArray[steps];
        for (int t = 0; t < steps; t++) {
            if (lstm) {
                NDList g = perStep.get(t).add(h.matMul(recurrentT)).split(4, 2); // i, f, g, o
                c = sigmoid(g.get(1)).mul(c).add(sigmoid(g.get(0)).mul(g.get(2).tanh()));
                h = sigmoid(g.get(3)).mul(c.tanh());
            } else {
                NDList in = perStep.get(t).split(3, 2); // r, z, n
                NDList st = h.matMul(recurrentT).add(bHh).split(3, 2);
                NDArray r = sigmoid(in.get(0).add(st.get(0)));
                NDArray z = sigmoid(in.get(1).add(st.get(1)));
                NDArray n = in.get(2).add(r.mul(st.get(2))).tanh();
                h = n.add(z.mul(h.sub(n))); // (1 - z) * n + z * h
            }
            outputs[t] = h;
        }
        return new NDList(NDArrays.concat(new NDList(outputs), 0).transpose(1, 0, 2));
    }

    private static NDArray sigmoid(NDArray a) {
        return Activation.sigmoid(a);
    }
}
