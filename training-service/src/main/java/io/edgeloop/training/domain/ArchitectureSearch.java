package io.edgeloop.training.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A small architecture search under device constraints, in the manner of Edge Impulse's EON Tuner: a handful of
 * candidate widths/depths/filter counts of one architecture, each trained briefly with the same data and seed, each
 * measured (parameters, ONNX size, MACs, estimated RAM/flash/latency on the target profile, host latency) and ranked.
 * The best candidate is the most accurate on the validation split among those that fit the profile (ties: fewer
 * parameters). Plain class, usable without CDI; not thread-safe.
 */
public final class ArchitectureSearch {
    private final ModelSpec base;
    private final DeviceProfile profile;
    private final int latencyRuns;

    /**
     * One evaluated candidate.
     *
     * @param units hidden widths or filters per block
     * @param model what was trained and how well it did
     * @param estimate fit on the target profile
     * @param hostLatencyMicros median single-sample DJL forward pass on this host
     */
    public record Candidate(
            List<Integer> units, ModelSummary model, DeviceProfile.Estimate estimate, double hostLatencyMicros) {}

    /**
     * Outcome of a search.
     *
     * @param profile the target profile
     * @param architecture the architecture searched
     * @param candidates every candidate, in the order tried
     * @param best index of the best fitting candidate in {@code candidates}, -1 when none fits
     */
    public record Result(DeviceProfile profile, Architecture architecture, List<Candidate> candidates, int best) {}

    /**
     * @param base spec of every candidate (architecture, optimizer, epochs, seed); its units are replaced
     * @param profile the device to fit
     * @param latencyRuns single-sample passes timed per candidate
     */
    public ArchitectureSearch(ModelSpec base, DeviceProfile profile, int latencyRuns) {
        this.base = base;
        this.profile = profile;
        this.latencyRuns = Math.max(1, latencyRuns);
    }

    /** The candidate units tried for an architecture, smallest first. */
    public static List<List<Integer>> candidates(Architecture a) {
        return switch (a) {
            case MLP -> List.of(List.of(8), List.of(16), List.of(32, 32), List.of(64, 64));
            case CNN1D -> List.of(List.of(4), List.of(8, 16), List.of(16, 32), List.of(32, 64));
            case CNN2D -> List.of(List.of(4), List.of(4, 8), List.of(8, 16), List.of(16, 32));
            case GRU, LSTM -> List.of(List.of(8), List.of(16), List.of(32), List.of(16, 16));
        };
    }

    /**
     * Trains and measures every candidate on {@code data}.
     *
     * @param kind what the samples are
     * @param declaredShape the dataset's sample shape (empty = flat)
     * @param listener told about every epoch of every candidate, in order
     */
    public Result run(TrainingData data, DataKind kind, List<Integer> declaredShape, EpochListener listener) {
        List<String> problems = data.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("snapshot cannot be trained on: " + String.join("; ", problems));
        }
        // fails early when the samples cannot take the architecture (or the processing block)
        ClassifierTrainer.forSamples(base, kind, declaredShape, data.featureCount(), data.classLabels());
        List<Candidate> out = new ArrayList<>();
        for (List<Integer> units : candidates(base.architecture())) {
            ModelSpec spec = base.withLayers(base.architecture(), units);
            // the processing block (if any) leads every candidate: its cost is in the footprint and the estimate
            try (TrainedModel m = ClassifierTrainer.forSamples(
                            spec, kind, declaredShape, data.featureCount(), data.classLabels())
                    .onEpoch(listener)
                    .train(data)) {
                ModelSummary summary = ModelSummary.of(m);
                double host = m.measureLatencyMicros(data.test().features()[0], latencyRuns);
                out.add(new Candidate(units, summary, profile.estimate(m.footprint(), summary.onnxBytes()), host));
            }
        }
        int best = -1;
        Comparator<Candidate> rank = Comparator.<Candidate>comparingDouble(
                        c -> c.model().validation().accuracy())
                .thenComparing(
                        Comparator.<Candidate>comparingLong(c -> c.model().parameterCount())
                                .reversed());
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).estimate().fits() && (best < 0 || rank.compare(out.get(i), out.get(best)) > 0)) {
                best = i;
            }
        }
        return new Result(profile, base.architecture(), out, best);
    }
}
