package io.edgeloop.common.events;

import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import java.util.Locale;

/** The phase of a Deployed event as an enum, for producers (both fields) and consumers (either field). */
public final class DeployedPhases {
    private DeployedPhases() {}

    /** The wire string of {@code phase} ({@code wave}, {@code completed}, {@code rolled-back}...), "" when unset. */
    public static String wireName(DeployedPhase phase) {
        return switch (phase) {
            case DEPLOYED_PHASE_WAVE -> "wave";
            case DEPLOYED_PHASE_COMPLETED -> "completed";
            case DEPLOYED_PHASE_ROLLED_BACK -> "rolled-back";
            case DEPLOYED_PHASE_REJECTED -> "rejected";
            case DEPLOYED_PHASE_FLEET -> "fleet";
            default -> "";
        };
    }

    /** The phase named by a wire string; UNSPECIFIED for blank or unknown names. */
    public static DeployedPhase parse(String wireName) {
        String s = wireName == null ? "" : wireName.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "wave" -> DeployedPhase.DEPLOYED_PHASE_WAVE;
            case "completed" -> DeployedPhase.DEPLOYED_PHASE_COMPLETED;
            case "rolled-back" -> DeployedPhase.DEPLOYED_PHASE_ROLLED_BACK;
            case "rejected" -> DeployedPhase.DEPLOYED_PHASE_REJECTED;
            case "fleet" -> DeployedPhase.DEPLOYED_PHASE_FLEET;
            default -> DeployedPhase.DEPLOYED_PHASE_UNSPECIFIED;
        };
    }

    /** The event's phase: the enum field, else (older producers) the string field. */
    public static DeployedPhase of(Deployed event) {
        DeployedPhase p = event.getPhaseKind();
        return p != DeployedPhase.DEPLOYED_PHASE_UNSPECIFIED && p != DeployedPhase.UNRECOGNIZED
                ? p
                : parse(event.getPhase());
    }

    /** Sets both phase fields of {@code builder}. */
    public static Deployed.Builder set(Deployed.Builder builder, DeployedPhase phase) {
        return builder.setPhaseKind(phase).setPhase(wireName(phase));
    }
}
