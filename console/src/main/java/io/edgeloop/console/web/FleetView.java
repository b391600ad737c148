package io.edgeloop.console.web;

import io.edgeloop.console.clients.FleetViews.Device;
import io.edgeloop.console.clients.FleetViews.DeviceModel;
import io.edgeloop.console.clients.FleetViews.Gate;
import io.edgeloop.console.clients.FleetViews.Rollout;
import io.edgeloop.console.clients.FleetViews.Wave;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fleet page: every device with its labels, health and what it serves, and the rollouts with their waves and
 * gate verdicts.
 */
public record FleetView(List<DeviceRow> devices, List<RolloutRow> rollouts, String summary) {

    /**
     * A device.
     *
     * @param health {@code revoked}, {@code offline}, {@code in sync} or {@code syncing}
     * @param serves one line per model: {@code name vN STATE}
     */
    public record DeviceRow(
            String id, String labels, String hardware, String health, String lastSeen, List<String> serves) {}

    /** A wave with its gate verdict in words. */
    public record WaveRow(int wave, String state, String devices, String gate) {}

    /**
     * A rollout.
     *
     * @param actions the manual controls its status allows ({@code pause}, {@code resume}, {@code rollback},
     *     {@code start}); the page shows them only to users with role {@code release}
     */
    public record RolloutRow(
            String id,
            String model,
            int version,
            String status,
            String reason,
            String policy,
            String created,
            String devices,
            List<WaveRow> waves,
            List<String> actions,
            List<String> timeline) {}

    /** Builds the page. */
    public static FleetView of(List<Device> devices, List<Rollout> rollouts) {
        List<DeviceRow> rows = devices.stream().map(FleetView::device).toList();
        long healthy = rows.stream().filter(r -> r.health().equals("in sync")).count();
        return new FleetView(
                rows,
                rollouts.stream().map(FleetView::rollout).toList(),
                String.format(
                        Locale.ROOT, "%d devices, %d in sync, %d rollouts", rows.size(), healthy, rollouts.size()));
    }

    static DeviceRow device(Device d) {
        String health =
                d.revokedAt() != null ? "revoked" : !d.connected() ? "offline" : d.inSync() ? "in sync" : "syncing";
        List<String> serves = new ArrayList<>();
        for (DeviceModel m : d.models() == null ? List.<DeviceModel>of() : d.models()) {
            String line = m.reported() != null
                    ? m.modelName() + " v" + m.reported().modelVersion() + " "
                            + m.reported().state() + (m.inSync() ? "" : " (wants " + wanted(m) + ")")
                    : m.modelName() + " " + wanted(m);
            if (m.incompatible() != null) {
                line += "; v" + m.incompatible().modelVersion() + " not sent: "
                        + Fmt.clip(m.incompatible().reason());
            }
            serves.add(line);
        }
        String hw = d.capabilities() == null
                ? "-"
                : d.capabilities().architecture() + ", " + d.capabilities().ramMb() + " MB, "
                        + d.capabilities().runtime();
        return new DeviceRow(d.id(), Fmt.labels(d.labels()), hw, health, Fmt.time(d.lastSeenAt()), serves);
    }

    private static String wanted(DeviceModel m) {
        if (m.desired() != null && "ASSIGNED".equals(m.desiredState())) {
            return "v" + m.desired().modelVersion();
        }
        return m.desiredState() == null ? "nothing" : m.desiredState().toLowerCase(Locale.ROOT);
    }

    static RolloutRow rollout(Rollout r) {
        List<WaveRow> waves = new ArrayList<>();
        for (Wave w : r.waves() == null ? List.<Wave>of() : r.waves()) {
            waves.add(new WaveRow(
                    w.wave(),
                    w.state(),
                    w.deviceIds() == null ? "-" : String.join(", ", w.deviceIds()),
                    gate(w.gate())));
        }
        return new RolloutRow(
                r.id(),
                r.modelName(),
                r.modelVersion(),
                r.status(),
                r.statusReason() == null ? "" : r.statusReason(),
                r.policyName() == null ? "-" : r.policyName(),
                Fmt.time(r.createdAt()),
                r.devicesActive() + " / " + r.devicesTargeted() + " active",
                waves,
                actions(r.status()),
                timeline(r.history()));
    }

    /** The rollout's history, oldest first, one line each: time, action, wave, actor, detail. */
    static List<String> timeline(List<io.edgeloop.console.clients.FleetViews.HistoryEntry> history) {
        List<String> out = new ArrayList<>();
        for (io.edgeloop.console.clients.FleetViews.HistoryEntry h :
                history == null ? List.<io.edgeloop.console.clients.FleetViews.HistoryEntry>of() : history) {
            out.add(Fmt.time(h.at()) + " " + h.action()
                    + (h.wave() == null ? "" : " (wave " + h.wave() + ")")
                    + (h.actor() == null ? "" : " by " + h.actor())
                    + (h.detail() == null || h.detail().isBlank() ? "" : ": " + Fmt.clip(h.detail())));
        }
        return out;
    }

    /** What deployment-service lets a {@code release} user do with a rollout in {@code status}. */
    static List<String> actions(String status) {
        if (status == null) {
            return List.of();
        }
        return switch (status) {
            case "HELD" -> List.of("start");
            case "ROLLING_OUT" -> List.of("pause", "rollback");
            case "PAUSED" -> List.of("resume", "rollback");
            case "COMPLETED" -> List.of("rollback");
            default -> List.of();
        };
    }

    /** A gate verdict in words: outcome, traffic, error rate, p99 latency and the reasons of a failure. */
    static String gate(Gate g) {
        if (g == null) {
            return "not evaluated";
        }
        String s = String.format(
                Locale.ROOT,
                "%s: %d inferences in %d windows, error rate %s, p99 %s",
                g.outcome(),
                g.inferences(),
                g.windows(),
                Fmt.percent(g.errorRate()),
                Fmt.micros(g.latencyP99Us()));
        if (g.reasons() != null && !g.reasons().isEmpty()) {
            s += " - " + String.join("; ", g.reasons());
        }
        return s;
    }
}
