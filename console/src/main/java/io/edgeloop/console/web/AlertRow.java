package io.edgeloop.console.web;

import io.edgeloop.console.clients.MonitoringViews.Drift;
import io.edgeloop.console.clients.MonitoringViews.FeatureDrift;
import io.edgeloop.console.clients.MonitoringViews.Performance;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A model's line in the alerts panel: the deployed version's input drift and performance drift as monitoring judges
 * them now, with the id of the DriftDetected event monitoring emitted for the version, if any.
 *
 * @param version the deployed version, 0 when monitoring has seen no deployment
 * @param input the input drift verdict and its reason in words
 * @param inputEvent the input DriftDetected event id, or empty
 * @param performance the performance drift verdict in words
 * @param performanceEvent the performance DriftDetected event id, or empty
 * @param alert whether either drifted
 */
public record AlertRow(
        String model,
        int version,
        String input,
        String inputEvent,
        String performance,
        String performanceEvent,
        boolean alert) {

    /** A model monitoring has seen no deployment of (or could not be read for). */
    static AlertRow notDeployed(String model) {
        return new AlertRow(model, 0, "no deployment seen", "", "-", "", false);
    }

    /** Builds the row; {@code perf} may be null when it could not be read. */
    static AlertRow of(String model, Drift d, Performance perf) {
        String input;
        if (d.driftScore() < 0) {
            input = "not computed" + (d.reason() == null ? "" : ": " + d.reason());
        } else {
            List<FeatureDrift> drifted = d.features() == null
                    ? List.of()
                    : d.features().stream().filter(FeatureDrift::drifted).toList();
            input = String.format(
                    Locale.ROOT,
                    "%s: score %s against %s (%s), %d rows%s",
                    d.driftDetected() ? "drift detected" : "no drift",
                    Fmt.number(d.driftScore(), 4),
                    Fmt.number(d.threshold(), 4),
                    d.method() == null ? "-" : d.method(),
                    d.sampleCount(),
                    drifted.isEmpty()
                            ? ""
                            : "; drifted features: "
                                    + drifted.stream()
                                            .map(f -> String.valueOf(f.index()))
                                            .collect(Collectors.joining(", ")));
        }
        String performance = perf == null ? "not read" : LiveView.row(perf).verdict();
        boolean perfDrift = perf != null && perf.drift() != null && perf.drift().drifted();
        String perfEvent = perf == null || perf.drift() == null || perf.drift().driftEventId() == null
                ? ""
                : perf.drift().driftEventId();
        return new AlertRow(
                model,
                d.modelVersion(),
                input,
                d.driftEventId() == null ? "" : d.driftEventId(),
                performance,
                perfEvent,
                d.driftDetected() || perfDrift);
    }
}
