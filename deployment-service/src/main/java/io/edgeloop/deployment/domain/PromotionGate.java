package io.edgeloop.deployment.domain;

import io.edgeloop.proto.events.v1.PromotionEvidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The promotion gate (champion/challenger), evaluated before any device is touched, on ModelOptimized.promotion:
 *
 * <ul>
 *   <li>no evidence: PASS with a note (older compilers, uploads without a test set);
 *   <li>not a classification model: PASS with a note (accuracy is not meaningful for regression or embeddings, so
 *       neither {@code minAccuracy} nor the champion comparison applies);
 *   <li>FAIL when the candidate's accuracy is below {@code minAccuracy};
 *   <li>FAIL when a production version was compared on the same samples ({@code champion_version > 0}) and the
 *       candidate's accuracy is below the champion's minus {@code maxAccuracyDrop}.
 * </ul>
 */
public final class PromotionGate {
    private static final double EPS = 1e-9;

    private PromotionGate() {}

    /**
     * The gate's decision.
     *
     * @param reasons why it failed, or what it compared
     */
    public record Decision(boolean passed, List<String> reasons) {}

    /** Evaluates {@code evidence} (null = none) against the policy's promotion settings. */
    public static Decision evaluate(PromotionEvidence evidence, Policy.Promotion policy) {
        if (evidence == null) {
            return new Decision(true, List.of("no promotion evidence: promotion gate not applied"));
        }
        double cand = evidence.getCandidateAccuracy();
        String on = evidence.getSplit().isBlank() ? "" : " on the " + evidence.getSplit() + " split";
        String samples = evidence.getSampleCount() > 0 ? " (" + evidence.getSampleCount() + " samples)" : "";
        if (!evidence.getClassification()) {
            return new Decision(true, List.of("not a classification model: accuracy not gated" + on + samples));
        }
        List<String> failures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (policy.minAccuracy() > 0 && cand + EPS < policy.minAccuracy()) {
            failures.add(
                    fmt("candidate accuracy %.4f%s%s < minAccuracy %.4f", cand, on, samples, policy.minAccuracy()));
        } else {
            notes.add(fmt("candidate accuracy %.4f%s%s >= minAccuracy %.4f", cand, on, samples, policy.minAccuracy()));
        }
        boolean compared = evidence.getChampionVersion() > 0
                && (evidence.getChampionNote().isBlank() || evidence.getChampionAccuracy() > 0);
        if (compared) {
            double floor = evidence.getChampionAccuracy() - policy.maxAccuracyDrop();
            String cmp = fmt(
                    "candidate accuracy %.4f vs production v%d %.4f (max drop %.4f)",
                    cand, evidence.getChampionVersion(), evidence.getChampionAccuracy(), policy.maxAccuracyDrop());
            if (cand + EPS < floor) {
                failures.add(cmp + ": worse than production by more than the margin");
            } else {
                notes.add(cmp + ": not worse than production beyond the margin");
            }
        } else {
            notes.add(
                    evidence.getChampionVersion() > 0
                            ? "production v" + evidence.getChampionVersion() + " not compared: "
                                    + evidence.getChampionNote()
                            : "no production version to compare with"
                                    + (evidence.getChampionNote().isBlank()
                                            ? ""
                                            : " (" + evidence.getChampionNote() + ")"));
        }
        return failures.isEmpty() ? new Decision(true, notes) : new Decision(false, failures);
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
