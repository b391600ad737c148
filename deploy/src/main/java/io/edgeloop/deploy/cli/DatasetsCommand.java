package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeloop.deploy.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeloop datasets list|show|import|snapshot|queue|confirm}: data-service's data sets ({@code GET /datasets},
 * {@code GET /datasets/{name}} with its snapshots, {@code POST /datasets/{name}/samples[/csv]}, {@code POST
 * /datasets/{name}/snapshots}) and the labelling queue ({@link LabelingCommands}).
 */
@Command(
        name = "datasets",
        mixinStandardHelpOptions = true,
        description = "List, inspect, import into, snapshot and label data sets (data-service).",
        subcommands = {
            DatasetsCommand.ListDatasets.class,
            DatasetsCommand.Show.class,
            DatasetsCommand.Import.class,
            DatasetsCommand.Snapshot.class,
            LabelingCommands.Queue.class,
            LabelingCommands.Confirm.class
        })
public final class DatasetsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Lists data sets. */
    @Command(name = "list", description = "List data sets: kind, samples, features, labels, latest snapshot.")
    static final class ListDatasets extends CliCommand {
        @Override
        protected int run() {
            JsonNode all = api().get("data", "/datasets");
            return emit(all, () -> table(all).print(out()));
        }

        static Text.Table table(JsonNode datasets) {
            Text.Table t = new Text.Table("NAME", "KIND", "SAMPLES", "FEATURES", "LABELS", "SNAPSHOT");
            for (JsonNode d : datasets) {
                t.row(
                        d.path("name").asText(),
                        d.path("dataKind").asText("features"),
                        d.path("sampleCount").asLong(),
                        d.path("featureNames").size(),
                        Text.list(d.path("labels"), 6),
                        d.path("latestVersion").isNumber()
                                ? "v" + d.path("latestVersion").asInt()
                                : "-");
            }
            return t;
        }
    }

    /** Shows one data set with its snapshots. */
    @Command(name = "show", description = "Show a data set (schema, samples) and its snapshots.")
    static final class Show extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "The data set.")
        String name;

        @Override
        protected int run() {
            JsonNode dataset = api().get("data", "/datasets/" + Api.seg(name));
            JsonNode snapshots = api().get("data", "/datasets/" + Api.seg(name) + "/snapshots");
            if (json()) {
                ObjectNode both = Json.MAPPER.createObjectNode();
                both.set("dataset", dataset);
                both.set("snapshots", snapshots);
                printJson(both);
            } else {
                print(out(), dataset, snapshots);
            }
            return 0;
        }

        static void print(PrintWriter out, JsonNode d, JsonNode snapshots) {
            Text.kv(out, "dataset", d.path("name").asText());
            Text.kv(
                    out,
                    "kind",
                    d.path("dataKind").asText("features") + ", sample shape " + d.path("sampleShape")
                            + (d.path("sampleRateHz").isNumber()
                                    ? ", " + Text.num(d.path("sampleRateHz"), 1) + " Hz"
                                    : ""));
            Text.kv(out, "features", d.path("featureNames").size() + ": " + Text.list(d.path("featureNames"), 8));
            Text.kv(out, "labels", Text.list(d.path("labels"), 50));
            Text.kv(out, "samples", d.path("sampleCount").asLong());
            Text.kv(out, "created", Text.text(d.path("createdAt")));
            out.println();
            Text.Table t =
                    new Text.Table("SNAPSHOT", "TRAIN", "VALIDATION", "TEST", "TRIGGER", "CREATED", "CONTENT HASH");
            for (JsonNode s : snapshots) {
                t.row(
                        "v" + s.path("version").asInt(),
                        s.path("trainCount").asLong(),
                        s.path("validationCount").asLong(),
                        s.path("testCount").asLong(),
                        Text.text(s.path("trigger")),
                        Text.text(s.path("createdAt")),
                        abbreviate(Text.text(s.path("contentHash")), 16));
            }
            if (t.size() == 0) {
                out.println("no snapshots yet ('edgeloop datasets snapshot "
                        + d.path("name").asText() + "')");
            } else {
                t.print(out);
            }
        }
    }

    /** Imports a CSV or JSON file of samples. */
    @Command(
            name = "import",
            description = "Import samples from a file: CSV (POST /datasets/{name}/samples/csv, streamed, with the"
                    + " column mapping below) or JSON ({\"samples\":[...]} or a bare array, POST"
                    + " /datasets/{name}/samples).")
    static final class Import extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "The data set (it must exist).")
        String name;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The file to import.")
        Path file;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                description = "csv or json (default: from the file name, csv unless it ends in .json).")
        String format;

        @Option(names = "--delimiter", paramLabel = "CHAR", description = "CSV: one character or 'tab' (default ,).")
        String delimiter;

        @Option(
                names = "--feature",
                paramLabel = "COLUMN",
                description = "CSV: the file's column of each feature, in the data set's order (repeat).")
        List<String> features = new ArrayList<>();

        @Option(names = "--label-column", paramLabel = "COLUMN", description = "CSV: the label column (default label).")
        String labelColumn;

        @Option(names = "--source-column", paramLabel = "COLUMN", description = "CSV: the source column (optional).")
        String sourceColumn;

        @Option(
                names = "--unmapped",
                paramLabel = "reject|ignore",
                description = "CSV: other columns are refused (reject, default) or ignored.")
        String unmapped;

        @Option(
                names = "--on-invalid",
                paramLabel = "reject|skip",
                description = "CSV: an invalid row stores nothing (reject, default), or is skipped and listed (skip).")
        String onInvalid;

        @Override
        protected int run() {
            String fmt = format();
            byte[] body = read();
            Api.Reply r;
            if (fmt.equals("csv")) {
                r = api().send("POST", "data", csvPath(), "text/csv; charset=utf-8", body);
            } else {
                r = api().send(
                                "POST",
                                "data",
                                "/datasets/" + Api.seg(name) + "/samples",
                                "application/json",
                                json(body));
            }
            return emit(r.body(), () -> print(out(), file.getFileName() + " -> " + name, r.body()));
        }

        String format() {
            String fmt = format != null
                    ? format.toLowerCase(Locale.ROOT)
                    : file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "json" : "csv";
            if (!fmt.equals("csv") && !fmt.equals("json")) {
                throw usage("--format must be csv or json, was '" + format + "'");
            }
            boolean mapped = delimiter != null
                    || !features.isEmpty()
                    || labelColumn != null
                    || sourceColumn != null
                    || unmapped != null
                    || onInvalid != null;
            if (fmt.equals("json") && mapped) {
                throw usage("the column mapping options apply to CSV only");
            }
            return fmt;
        }

        /** The CSV import's path with the mapping as query parameters. */
        String csvPath() {
            List<String> query = new ArrayList<>();
            if (delimiter != null) {
                query.add("delimiter=" + Api.q(delimiter));
            }
            features.forEach(f -> query.add("feature=" + Api.q(f)));
            if (labelColumn != null) {
                query.add("label=" + Api.q(labelColumn));
            }
            if (sourceColumn != null) {
                query.add("source=" + Api.q(sourceColumn));
            }
            if (unmapped != null) {
                query.add("unmapped=" + Api.q(unmapped));
            }
            if (onInvalid != null) {
                query.add("onInvalid=" + Api.q(onInvalid));
            }
            return "/datasets/" + Api.seg(name) + "/samples/csv"
                    + (query.isEmpty() ? "" : "?" + String.join("&", query));
        }

        private byte[] read() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw usage("cannot read --file " + file + ": " + e.getMessage());
            }
        }

        /** A bare JSON array of samples becomes {@code {"samples": [...]}}. */
        static byte[] json(byte[] body) {
            String text = new String(body, StandardCharsets.UTF_8).stripLeading();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1).stripLeading();
            }
            return text.startsWith("[")
                    ? ("{\"samples\":" + text + "}").getBytes(StandardCharsets.UTF_8)
                    : text.getBytes(StandardCharsets.UTF_8);
        }

        static void print(PrintWriter out, String what, JsonNode r) {
            out.printf(
                    "imported %s: %d accepted, %d duplicates%s%n",
                    what,
                    r.path("accepted").asLong(),
                    r.path("duplicates").asLong(),
                    r.has("rows")
                            ? ", " + r.path("rows").asLong() + " rows read, "
                                    + r.path("rejected").asLong() + " rejected"
                            : "");
            for (JsonNode e : r.path("errors")) {
                out.println("  " + e.path("field").asText("-") + ": "
                        + e.path("message").asText(""));
            }
        }
    }

    /** Cuts a snapshot. */
    @Command(
            name = "snapshot",
            description = "Cut a snapshot of a data set (a new version if its samples changed, which starts a"
                    + " training run; otherwise the latest one).")
    static final class Snapshot extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "The data set.")
        String name;

        @Option(
                names = "--training-spec",
                paramLabel = "JSON",
                description =
                        "The training spec the snapshot's run uses, e.g. '{\"epochs\":20}' (see training-service).")
        String trainingSpec;

        @Override
        protected int run() {
            Object body = null;
            if (trainingSpec != null) {
                try {
                    ObjectNode b = Json.MAPPER.createObjectNode();
                    b.set("trainingSpec", Json.MAPPER.readTree(trainingSpec));
                    body = b;
                } catch (IOException e) {
                    throw usage("--training-spec is not JSON: " + e.getMessage());
                }
            }
            Api.Reply r = api().post("data", "/datasets/" + Api.seg(name) + "/snapshots", body);
            return emit(r.body(), () -> print(out(), r.status() == 201, r.body()));
        }

        static void print(PrintWriter out, boolean created, JsonNode s) {
            out.printf(
                    "snapshot %s v%d (%s): train %d, validation %d, test %d; %d features, labels %s%n",
                    s.path("datasetName").asText(),
                    s.path("version").asInt(),
                    created ? "new" : "unchanged, the latest",
                    s.path("trainCount").asLong(),
                    s.path("validationCount").asLong(),
                    s.path("testCount").asLong(),
                    s.path("featureCount").asInt(),
                    Text.list(s.path("labels"), 20));
            out.println("  id " + s.path("snapshotId").asText() + ", content hash "
                    + s.path("contentHash").asText());
            for (JsonNode w : s.path("warnings")) {
                out.println("  warning: " + w.asText());
            }
        }
    }

    static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n) + "...";
    }
}
