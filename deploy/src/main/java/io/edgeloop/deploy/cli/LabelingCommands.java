package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeloop.deploy.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeloop datasets queue|confirm}: active learning's labelling queue of a data set ({@code GET
 * /datasets/{name}/queue}: the inputs the served models were unsure of, least confident first, with the suggestion
 * of the production version that scored them) and bulk confirmation ({@code POST /datasets/{name}/labels/confirm}:
 * accept suggestions, or give labels instead).
 */
final class LabelingCommands {
    private LabelingCommands() {}

    /** Lists the labelling queue. */
    @Command(
            name = "queue",
            description = "The labelling queue: unlabeled samples, those the served models were unsure of first"
                    + " (least confident first), with the suggested label and the version that suggested it.")
    static final class Queue extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "The data set.")
        String name;

        @Option(names = "--limit", defaultValue = "50", description = "Samples to show (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(
                names = "--after",
                paramLabel = "ID",
                description = "Start after this sample (the previous page's" + " 'next').")
        String after;

        @Override
        protected int run() {
            String path = "/datasets/" + Api.seg(name) + "/queue?limit=" + limit
                    + (after == null ? "" : "&after=" + Api.seg(after));
            JsonNode page = api().get("data", path);
            return emit(page, () -> print(out(), name, page));
        }

        static void print(PrintWriter out, String dataset, JsonNode page) {
            Text.Table t = new Text.Table("SAMPLE", "SUGGESTED", "CONFIDENCE", "BY", "CAPTURED", "DEVICE", "SOURCE");
            for (JsonNode s : page.path("samples")) {
                boolean captured = s.path("modelName").isTextual();
                t.row(
                        DatasetsCommand.abbreviate(s.path("id").asText(), 16),
                        Text.text(s.path("suggestedLabel")),
                        captured ? Text.num(s.path("confidence"), 3) : "-",
                        captured
                                ? version(s, "scoredByVersion")
                                        + (s.path("rescoredAt").isTextual() ? "*" : "")
                                : "-",
                        captured ? s.path("modelName").asText() + " " + version(s, "modelVersion") : "-",
                        Text.text(s.path("deviceId")),
                        DatasetsCommand.abbreviate(Text.text(s.path("source")), 40));
            }
            if (t.size() == 0) {
                out.println("the labelling queue of " + dataset + " is empty");
                return;
            }
            t.print(out);
            out.println("BY: the version whose prediction the suggestion is (* re-scored by a newer production version"
                    + " after capture)");
            if (page.path("next").isTextual()) {
                out.println("more: --after " + page.path("next").asText());
            }
        }

        private static String version(JsonNode s, String field) {
            return s.path(field).isNumber() ? "v" + s.path(field).asInt() : "-";
        }
    }

    /** Confirms suggestions in bulk, or labels samples instead. */
    @Command(
            name = "confirm",
            description = "Label queued samples: accept each one's suggested label, or give one with"
                    + " --label ID=LABEL (all or nothing).")
    static final class Confirm extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The data set.")
        String name;

        @Parameters(index = "1..*", paramLabel = "ID", description = "Samples whose suggestion to accept.")
        List<String> ids = new ArrayList<>();

        @Option(
                names = "--label",
                paramLabel = "ID=LABEL",
                description = "Label a sample instead of accepting its" + " suggestion (repeatable).")
        Map<String, String> labels = new LinkedHashMap<>();

        @Override
        protected int run() {
            if (ids.isEmpty() && labels.isEmpty()) {
                throw usage("name at least one sample: an ID to accept its suggestion, or --label ID=LABEL");
            }
            ArrayNode samples = Json.MAPPER.createArrayNode();
            for (String id : ids) {
                if (!labels.containsKey(id)) {
                    samples.addObject().put("id", id);
                }
            }
            labels.forEach((id, label) -> samples.addObject().put("id", id).put("label", label));
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("samples", samples);
            Api.Reply r = api().post("data", "/datasets/" + Api.seg(name) + "/labels/confirm", body);
            return emit(r.body(), () -> {
                JsonNode b = r.body();
                out().printf(
                                "%d suggestions accepted, %d labelled otherwise%n",
                                b.path("accepted").asInt(), b.path("overridden").asInt());
                if (!b.path("alreadyLabelled").isEmpty()) {
                    out().println("already labelled (left as they are): " + Text.list(b.path("alreadyLabelled"), 20));
                }
            });
        }
    }
}
