package io.edgeloop.agent.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a caller's input tensors against a model's signature and completes them: every name known, datatype and
 * rank as declared, fixed dimensions equal, one batch size across batched inputs, element count = shape, finite
 * floats. Inputs other than the feature input may be left out: they take the descriptor's input default (or zeros)
 * in the declared shape, with the batch dimension of the request and other dynamic dimensions 1.
 */
final class InputBinder {
    private static final int MAX_PROBLEMS = 20;

    /** Bound inputs: all of the model's inputs, the batch size and the feature tensor. */
    record Bound(Map<String, Tensor> inputs, int batch, Tensor features) {}

    private InputBinder() {}

    /**
     * @throws InvalidInputException listing what is wrong (the caller's fault)
     */
    static Bound bind(ModelSignature sig, Map<String, Tensor> given) {
        List<InputProblem> problems = new ArrayList<>();
        for (String name : given.keySet()) {
            if (sig.input(name).isEmpty()) {
                problems.add(new InputProblem(
                        name,
                        "unknown input; the model's inputs are "
                                + sig.inputs().stream().map(TensorSpec::name).toList()));
            }
        }
        String featureName = sig.featureInput().name();
        if (!given.containsKey(featureName)) {
            problems.add(new InputProblem(featureName, "is required (the model's feature input)"));
        }
        long batch = -1;
        for (TensorSpec spec : sig.inputs()) {
            Tensor t = given.get(spec.name());
            if (t == null) {
                continue;
            }
            batch = check(spec, t, batch, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(sig.descriptor(), problems);
        }
        int rows = batch < 0 ? 1 : (int) batch;
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (TensorSpec spec : sig.inputs()) {
            Tensor t = given.get(spec.name());
            all.put(spec.name(), t != null ? t : defaultFor(sig.descriptor(), spec, rows));
        }
        return new Bound(all, rows, all.get(featureName));
    }

    /** Checks one tensor; returns the batch size seen so far (-1 while unknown). */
    private static long check(TensorSpec spec, Tensor t, long batch, List<InputProblem> problems) {
        String name = spec.name();
        if (t.datatype() != spec.datatype()) {
            problems.add(new InputProblem(name, "datatype " + t.datatype() + ", expected " + spec.datatype()));
            return batch;
        }
        long[] shape = t.shape();
        if (shape.length != spec.rank()) {
            problems.add(new InputProblem(
                    name, "shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(spec.shape())));
            return batch;
        }
        for (int i = 0; i < shape.length; i++) {
            boolean batchDim = i == 0 && spec.batched();
            if (shape[i] < (batchDim ? 1 : 0)
                    || (spec.dim(i) >= 0 && shape[i] != spec.dim(i) && !(batchDim && spec.dim(0) < 0))) {
                problems.add(new InputProblem(
                        name,
                        "shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(spec.shape())
                                + (batchDim && spec.dim(0) == 1 ? " (the model takes one sample per call)" : "")));
                return batch;
            }
        }
        if (spec.batched()) {
            if (batch >= 0 && shape[0] != batch) {
                problems.add(new InputProblem(name, "batch of " + shape[0] + ", other inputs have " + batch));
                return batch;
            }
            batch = shape[0];
        }
        long expected;
        try {
            expected = Tensor.elements(shape);
        } catch (ArithmeticException e) {
            expected = Long.MAX_VALUE;
        }
        if (expected != t.size()) {
            problems.add(new InputProblem(
                    name, "shape " + Arrays.toString(shape) + " needs " + expected + " values, got " + t.size()));
            return batch;
        }
        if (t.datatype().floating()) {
            for (int i = 0; i < t.size() && problems.size() < MAX_PROBLEMS; i++) {
                if (!Double.isFinite(t.get(i)) || (t.datatype() == DataType.FP16 && Math.abs(t.get(i)) > 65504)) {
                    problems.add(new InputProblem(name + "[" + i + "]", "must be a finite number"));
                }
            }
        }
        return batch;
    }

    private static Tensor defaultFor(ModelDescriptor d, TensorSpec spec, int rows) {
        long[] shape = spec.shape();
        for (int i = 0; i < shape.length; i++) {
            if (i == 0 && spec.batched()) {
                shape[i] = spec.dim(0) < 0 ? rows : 1;
            } else if (shape[i] < 0) {
                shape[i] = 1;
            }
        }
        return Tensor.filled(
                spec.name(), spec.datatype(), shape, d.inputDefaults().getOrDefault(spec.name(), 0.0));
    }
}
