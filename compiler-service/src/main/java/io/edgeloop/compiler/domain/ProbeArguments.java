package io.edgeloop.compiler.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link SessionMemoryProbe.Request} as the arguments of a {@link SessionMemoryProbeMain} child ({@code key=value}
 * each), with the bytes of the inputs the child feeds (a batch and a single sample), which size its direct memory.
 *
 * @param args the child's arguments after the main class
 * @param inputBytes the bytes of the batch's and the single sample's inputs
 */
record ProbeArguments(List<String> args, long inputBytes) {
    ProbeArguments {
        args = List.copyOf(args);
    }

    /** The arguments that make a child create and run the session {@code request} describes. */
    static ProbeArguments of(SessionMemoryProbe.Request request) {
        List<String> args = new ArrayList<>();
        args.add("model=" + request.model().toAbsolutePath());
        args.add("opt-level=" + request.level().name());
        args.add("threads=" + request.intraOpThreads());
        args.add("ort-format=" + ModelEvaluator.isOrtFormat(request.model()));
        args.add("batch=" + Math.max(1, request.batch()));
        long inputBytes = 0;
        for (int i = 0; i < request.inputs().size(); i++) {
            InputFeed f = request.inputs().get(i);
            args.add("input." + i + "=" + f.name());
            args.add("input." + i + ".type=" + f.type().name());
            args.add("input." + i + ".shape=" + joined(f.shape()));
            args.add("input." + i + ".fill=" + (f.feature() ? "features" : Double.toString(f.fill())));
            inputBytes += (Math.max(1, request.batch()) + 1L) * f.perSample() * Math.max(1, f.type().size);
        }
        if (request.inputs().isEmpty() && request.inputShape() != null) {
            args.add("shape=" + joined(request.inputShape()));
            long perSample = 1;
            for (int i = 1; i < request.inputShape().length; i++) {
                perSample *= Math.max(1, request.inputShape()[i]);
            }
            inputBytes = (Math.max(1, request.batch()) + 1L) * perSample * Float.BYTES;
        }
        return new ProbeArguments(args, inputBytes);
    }

    private static String joined(long[] dims) {
        return Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(","));
    }
}
