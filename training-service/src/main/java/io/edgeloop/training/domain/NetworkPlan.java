package io.edgeloop.training.domain;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The DJL blocks of a network, in order, and how to read their weights back as {@link Layer}s. */
record NetworkPlan(SequentialBlock block, List<Block> slots, List<Layer> kinds, Linear head) {

    static NetworkPlan build(ModelSpec spec, InputLayout layout, int classes) {
        SequentialBlock net = new SequentialBlock();
        List<Block> slots = new ArrayList<>();
        List<Layer> kinds = new ArrayList<>();
        switch (spec.architecture()) {
            case MLP -> {
                for (int units : spec.units()) {
                    Linear l = Linear.builder().setUnits(units).build();
                    add(net, slots, kinds, l, null);
                    add(net, slots, kinds, Activation.reluBlock(), new Layer.Relu());
                }
            }
            case CNN1D, CNN2D -> {
                boolean twoD = spec.architecture() == Architecture.CNN2D;
                int dims = twoD ? 2 : 1;
                int[] spatial = Arrays.copyOfRange(layout.shape(), 1, layout.shape().length);
                for (int filters : spec.units()) {
                    Block conv = twoD
                            ? Conv2d.builder()
                                    .setKernelShape(new Shape(3, 3))
                                    .optPadding(new Shape(1, 1))
                                    .setFilters(filters)
                                    .build()
                            : Conv1d.builder()
                                    .setKernelShape(new Shape(3))
                                    .optPadding(new Shape(1))
                                    .setFilters(filters)
                                    .build();
                    add(net, slots, kinds, conv, null);
                    add(net, slots, kinds, Activation.reluBlock(), new Layer.Relu());
                    if (Arrays.stream(spatial).allMatch(s -> s >= 2)) {
                        Block pool = twoD
                                ? Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))
                                : Pool.maxPool1dBlock(new Shape(2), new Shape(2));
                        add(net, slots, kinds, pool, new Layer.MaxPool(2, dims));
                        for (int d = 0; d < spatial.length; d++) {
                            spatial[d] /= 2;
                        }
                    }
                }
                Block gap = twoD ? Pool.globalAvgPool2dBlock() : Pool.globalAvgPool1dBlock();
                net.add(gap);
                net.add(Blocks.batchFlattenBlock());
                slots.add(gap);
                kinds.add(new Layer.GlobalAvgPool());
            }
            case GRU, LSTM -> {
                // [N, C, L] -> [N, L, C]: the GRUs / LSTMs run batch-first over the L steps
                net.add(LambdaBlock.singleton(x -> x.transpose(0, 2, 1), "time_major"));
                for (int units : spec.units()) {
                    // built from plain operators, not PyTorch's fused RNN kernel (oneDNN), which trained LSTMs wrongly
                    // on some AVX-512 CPUs (UnrolledRecurrent, training-service/README.md "CPUs")
                    Block cell = spec.architecture() == Architecture.GRU
                            ? UnrolledRecurrent.gru(units)
                            : UnrolledRecurrent.lstm(units);
                    add(net, slots, kinds, cell, null);
                }
                add(
                        net,
                        slots,
                        kinds,
                        LambdaBlock.singleton(x -> x.get(":, -1, :"), "last_step"),
                        new Layer.LastStep());
            }
        }
        Linear head = Linear.builder().setUnits(classes).build();
        add(net, slots, kinds, head, null);
        return new NetworkPlan(net, slots, kinds, head);
    }

    private static void add(SequentialBlock net, List<Block> slots, List<Layer> kinds, Block b, Layer kind) {
        net.add(b);
        slots.add(b);
        kinds.add(kind);
    }

    /** Copies every parameter to the heap, in block order. */
    List<float[]> snapshot() {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : block.getParameters().values()) {
            out.add(p.getArray().toFloatArray());
        }
        return out;
    }

    void restore(List<float[]> values) {
        int i = 0;
        for (Parameter p : block.getParameters().values()) {
            p.getArray().set(values.get(i++));
        }
    }

    /** The trained network as exportable layers. */
    List<Layer> layers(InputLayout layout) {
        List<Layer> out = new ArrayList<>();
        int[] shape = layout.shape();
        for (int i = 0; i < slots.size(); i++) {
            Block b = slots.get(i);
            Layer layer = kinds.get(i);
            if (layer == null && b instanceof UnrolledRecurrent u) {
                layer = u.layer(shape[0]);
            } else if (layer == null) {
                float[] w = b.getParameters().get("weight").getArray().toFloatArray();
                float[] bias = b.getParameters().get("bias").getArray().toFloatArray();
                if (b instanceof Linear) {
                    int outputs = bias.length;
                    layer = new Layer.Dense(new DenseLayer(w, bias, w.length / outputs, outputs));
                } else {
                    int dims = b instanceof Conv2d ? 2 : 1;
                    layer = new Layer.Conv(w, bias, shape[0], bias.length, 3, 1, dims);
                }
            }
            out.add(layer);
            shape = layer.outputShape(shape);
        }
        return out;
    }
}
