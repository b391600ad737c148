package io.edgeloop.data.domain;

import io.edgeloop.kit.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Outlier rejection of a batch of structurally valid samples: a feature value more than {@code madThreshold}
 * median absolute deviations from the reference median is an outlier. The reference is the data set ({@link
 * OutlierMode#DATASET}) or the sample's class ({@link OutlierMode#PER_CLASS}); what it is computed over (stored
 * samples, and the batch itself while few are stored) is the caller's {@link References}.
 */
public final class OutlierCheck {
    /** The whole data set's group in {@link References#of}. */
    public static final int WHOLE_DATASET = -1;

    private OutlierCheck() {}

    /** Reference statistics of a group. */
    @FunctionalInterface
    public interface References {
        /**
         * Statistics to judge the batch's samples of {@code group} (a class index, or {@link #WHOLE_DATASET}) by, or
         * null when there are too few samples to judge.
         *
         * @param batchRows the batch's feature rows of the group
         */
        FeatureStats of(int group, List<float[]> batchRows);
    }

    /**
     * Hands {@code sink} one error per outlying value, with its sample, in input order; nothing when none (or the mode
     * is {@link OutlierMode#OFF}). Categorical features ({@code categorical[j]}) are not judged.
     */
    public static void check(
            List<SampleValidator.ValidSample> samples,
            List<String> labels,
            boolean[] categorical,
            OutlierMode mode,
            double madThreshold,
            References references,
            java.util.function.BiConsumer<SampleValidator.ValidSample, FieldError> sink) {
        if (mode == OutlierMode.OFF || samples.isEmpty()) {
            return;
        }
        Map<Integer, List<float[]>> rowsByGroup = new HashMap<>();
        for (SampleValidator.ValidSample s : samples) {
            rowsByGroup.computeIfAbsent(group(s, mode), g -> new ArrayList<>()).add(s.features());
        }
        Map<Integer, FeatureStats> stats = new HashMap<>();
        rowsByGroup.forEach((g, rows) -> {
            FeatureStats st = references.of(g, rows);
            if (st != null) {
                stats.put(g, st);
            }
        });
        for (SampleValidator.ValidSample s : samples) {
            int g = group(s, mode);
            FeatureStats st = stats.get(g);
            if (st == null) {
                continue;
            }
            for (int j = 0; j < s.features().length; j++) {
                if (j < categorical.length && categorical[j]) {
                    continue; // a category code has no distance from a median: a rare category is not an outlier
                }
                double deviations = st.deviations(j, s.features()[j]);
                if (deviations > madThreshold) {
                    sink.accept(
                            s,
                            s.location()
                                    .feature(
                                            j,
                                            String.format(
                                                    Locale.ROOT,
                                                    "outlier: %s is %.1f MADs from the median %s (MAD %s, limit %s, over %d"
                                                            + " samples %s)",
                                                    num(s.features()[j]),
                                                    deviations,
                                                    num(st.median()[j]),
                                                    num(st.mad()[j]),
                                                    num(madThreshold),
                                                    st.sampleCount(),
                                                    g == WHOLE_DATASET
                                                            ? "of the data set"
                                                            : "of class '" + labels.get(g) + "'")));
                }
            }
        }
    }

    private static int group(SampleValidator.ValidSample s, OutlierMode mode) {
        // an unlabeled sample (label index -1) has no class: judged against the whole data set
        return mode == OutlierMode.PER_CLASS && s.labelIndex() >= 0 ? s.labelIndex() : WHOLE_DATASET;
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
    }
}
