package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code edgeloop drift show}: monitoring-service's drift of a deployed model ({@code GET /models/{name}/drift}). */
@Command(
        name = "drift",
        mixinStandardHelpOptions = true,
        description = "Show the drift of a deployed model's inputs and predictions (monitoring-service).",
        subcommands = {DriftCommand.Show.class})
public final class DriftCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Shows a model's drift. */
    @Command(name = "show", description = "Show a model's drift: score against threshold, per-feature tests.")
    static final class Show extends CliCommand {
        @Parameters(paramLabel = "MODEL", description = "The model.")
        String model;

        @Override
        protected int run() {
            JsonNode d = api().get("monitoring", "/models/" + Api.seg(model) + "/drift");
            return emit(d, () -> print(out(), d));
        }
    }

    static void print(PrintWriter out, JsonNode d) {
        Text.kv(
                out,
                "model",
                d.path("modelName").asText() + " v" + d.path("modelVersion").asInt());
        Text.kv(
                out,
                "reference",
                Text.text(d.path("referenceId")) + " (snapshot " + Text.text(d.path("referenceSnapshotId")) + ")");
        Text.kv(out, "rows", d.path("sampleCount").asInt());
        Text.kv(
                out,
                "drift",
                (d.path("driftDetected").asBoolean() ? "DRIFT" : "no drift") + ", score "
                        + Text.num(d.path("driftScore"), 4) + " (threshold " + Text.num(d.path("threshold"), 4) + ", "
                        + Text.text(d.path("method")) + "), drift share " + Text.num(d.path("driftShare"), 3));
        if (d.path("reason").isTextual()) {
            Text.kv(out, "not computed", d.path("reason").asText());
        }
        if (d.path("driftEventId").isTextual()) {
            Text.kv(out, "event", d.path("driftEventId").asText());
        }
        JsonNode p = d.path("prediction");
        if (p.isObject()) {
            Text.kv(out, "predictions", Text.pairs(scalars(p)));
        }
        if (d.path("features").isEmpty()) {
            return;
        }
        out.println();
        Text.Table t =
                new Text.Table("FEATURE", "TEST", "STATISTIC", "THRESHOLD", "P-VALUE", "PSI", "MEAN REF/NOW", "");
        for (JsonNode f : d.path("features")) {
            t.row(
                    f.path("index").asInt(),
                    Text.text(f.path("test")),
                    Text.num(f.path("statistic"), 4),
                    Text.num(f.path("threshold"), 4),
                    Text.num(f.path("pValue"), 4),
                    Text.num(f.path("psi"), 4),
                    Text.num(f.path("referenceMean"), 3) + " / " + Text.num(f.path("observedMean"), 3),
                    f.path("drifted").asBoolean() ? "drifted" : "");
        }
        t.print(out);
    }

    private static JsonNode scalars(JsonNode object) {
        com.fasterxml.jackson.databind.node.ObjectNode out = io.edgeloop.deploy.Json.MAPPER.createObjectNode();
        object.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }
}
