package io.edgeloop.training.domain;

import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.augment.Augmenter;
import io.edgeloop.training.impulse.ImpulseConfig;
import io.edgeloop.training.impulse.ProcessingBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of a requested spec against the data set it trains on, made at submission when the data kind, the
 * sample shape and the sampling rate are known (runs, distillations, searches): a spec that cannot fit is a 422 then
 * rather than a FAILED run later.
 */
public final class SpecFit {
    private SpecFit() {}

    /**
     * Everything that keeps {@code requested} from training on samples of {@code kind} and {@code shape}: its own
     * field problems, an impulse that cannot take the windows, an architecture that cannot take the samples (or the
     * block's features), an augmentation that does not fit, and a {@code targetProfile} that the processing block alone
     * already exceeds.
     *
     * @param requested the spec with the data set's sampling rate filled in ({@link ImpulseConfig#withRateIfMissing})
     * @param shape the data set's sample shape; empty = flat [featureCount]
     * @param prefix field-name prefix, e.g. {@code spec.}
     */
    public static List<FieldProblem> problems(
            TrainingSpec requested, String kind, List<Integer> shape, int featureCount, String prefix) {
        List<FieldProblem> out = new ArrayList<>(ModelSpec.problems(requested, prefix));
        out.addAll(ProcessingBlock.fitProblems(requested, shape, featureCount, prefix));
        out.addAll(ModelSpec.shapeProblems(requested, kind, shape, featureCount, prefix));
        out.addAll(Augmenter.fitProblems(requested, kind, shape, featureCount, prefix));
        if (out.isEmpty() && !requested.getTargetProfile().isBlank()) {
            out.addAll(profileProblems(
                    requested,
                    DeviceProfile.parse(requested.getTargetProfile()),
                    shape,
                    featureCount,
                    prefix + "targetProfile"));
        }
        return out;
    }

    /**
     * A device profile that a spec's processing block alone does not fit (its constants above the flash, its window
     * and features above the RAM, or its MACs above the latency budget): no candidate network can fit after it.
     * Nothing without a block, or when the block does not fit the shape (reported with the impulse).
     *
     * @param field the field named, e.g. {@code spec.targetProfile} or {@code targetProfile}
     */
    public static List<FieldProblem> profileProblems(
            TrainingSpec requested, DeviceProfile profile, List<Integer> shape, int featureCount, String field) {
        if (!requested.hasImpulse()
                || !ImpulseConfig.problems(requested.getImpulse(), "").isEmpty()) {
            return List.of();
        }
        ImpulseConfig impulse = ImpulseConfig.resolve(requested.getImpulse());
        List<Integer> windows = shape.isEmpty() && featureCount > 0 ? List.of(featureCount) : shape;
        if (!impulse.processes() || ProcessingBlock.shapeProblem(impulse, windows) != null) {
            return List.of();
        }
        ProcessingBlock block = ProcessingBlock.create(
                impulse, windows.stream().mapToInt(Integer::intValue).toArray());
        String misfit = profile.processingMisfit(Footprint.ofBlock(block));
        return misfit == null
                ? List.of()
                : List.of(new FieldProblem(field, misfit + " (sample shape " + windows + ")"));
    }
}
