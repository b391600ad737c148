package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeloop.deploy.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeloop runs list|show|start|follow}: training-service's runs ({@code GET /training-runs}, {@code GET
 * /training-runs/{id}}, {@code POST /training-runs}); {@code follow} polls a run and its epochs ({@code GET
 * /training-runs/{id}/epochs}) until it ends, a line per epoch and status change (a progress bar on a terminal).
 */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = "List, inspect, start and follow training runs (training-service).",
        subcommands = {
            RunsCommand.ListRuns.class,
            RunsCommand.Show.class,
            RunsCommand.Start.class,
            RunsCommand.Follow.class
        })
public final class RunsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Lists runs, newest first. */
    @Command(name = "list", description = "List training runs, newest first.")
    static final class ListRuns extends CliCommand {
        @Option(names = "--dataset", paramLabel = "NAME", description = "Only runs of this data set.")
        String dataset;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected int run() {
            JsonNode runs = api().get(
                            "training",
                            "/training-runs?limit=" + limit
                                    + (dataset == null ? "" : "&datasetName=" + Api.q(dataset)));
            return emit(runs, () -> table(runs).print(out()));
        }

        static Text.Table table(JsonNode runs) {
            Text.Table t = new Text.Table(
                    "ID", "DATASET", "STATUS", "EPOCHS", "VAL ACC", "TEST ACC", "MODEL", "TRIGGER", "QUEUED");
            for (JsonNode r : runs) {
                t.row(
                        r.path("id").asText(),
                        r.path("datasetName").asText() + " v"
                                + r.path("datasetVersion").asInt(),
                        r.path("status").asText(),
                        epochs(r),
                        Text.num(r.path("validation").path("accuracy"), 4),
                        Text.num(r.path("test").path("accuracy"), 4),
                        model(r),
                        Text.text(r.path("trigger")),
                        Text.text(r.path("queuedAt")));
            }
            return t;
        }
    }

    /** Shows one run. */
    @Command(name = "show", description = "Show a training run: status, data, architecture, metrics, model.")
    static final class Show extends CliCommand {
        @Parameters(paramLabel = "ID", description = "The run's id.")
        String id;

        @Override
        protected int run() {
            JsonNode r = api().get("training", "/training-runs/" + Api.seg(id));
            return emit(r, () -> print(out(), r));
        }

        static void print(PrintWriter out, JsonNode r) {
            Text.kv(out, "run", r.path("id").asText());
            Text.kv(
                    out,
                    "status",
                    r.path("status").asText()
                            + (r.path("failureReason").isTextual()
                                    ? ": " + r.path("failureReason").asText()
                                    : ""));
            Text.kv(
                    out,
                    "data set",
                    r.path("datasetName").asText() + " v"
                            + r.path("datasetVersion").asInt() + " (" + Text.text(r.path("snapshotId")) + ")");
            Text.kv(
                    out,
                    "trigger",
                    Text.text(r.path("trigger")) + ", requested by " + Text.text(r.path("requestedBy")));
            Text.kv(
                    out,
                    "architecture",
                    Text.text(r.path("architecture")) + ", " + Text.text(r.path("parameterCount"))
                            + " parameters, input " + r.path("inputShape"));
            Text.kv(
                    out,
                    "epochs",
                    epochs(r)
                            + (r.path("bestEpoch").isNumber()
                                    ? " (best " + r.path("bestEpoch").asInt() + ")"
                                    : ""));
            Text.kv(out, "train loss", Text.num(r.path("trainLoss"), 4));
            Text.kv(out, "validation", metrics(r.path("validation")));
            Text.kv(out, "test", metrics(r.path("test")));
            Text.kv(
                    out,
                    "model",
                    model(r)
                            + (r.path("artifactSha256").isTextual()
                                    ? ", sha256 " + r.path("artifactSha256").asText()
                                    : ""));
            Text.kv(out, "queued", Text.text(r.path("queuedAt")));
            Text.kv(
                    out,
                    "finished",
                    Text.text(r.path("finishedAt"))
                            + (r.path("trainingSeconds").isNumber()
                                    ? " (" + Text.num(r.path("trainingSeconds"), 1) + " s training)"
                                    : ""));
        }

        private static String metrics(JsonNode m) {
            return m.isObject()
                    ? "accuracy " + Text.num(m.path("accuracy"), 4) + ", macro F1 " + Text.num(m.path("macroF1"), 4)
                            + ", loss " + Text.num(m.path("loss"), 4) + " on "
                            + m.path("sampleCount").asLong()
                            + " samples"
                    : "-";
        }
    }

    /** Queues a run of a snapshot. */
    @Command(name = "start", description = "Queue a training run of a data set's snapshot (POST /training-runs).")
    static final class Start extends CliCommand {
        @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "The data set.")
        String dataset;

        @Option(names = "--version", defaultValue = "0", description = "Its snapshot version (default: the latest).")
        int version;

        @Option(names = "--spec", paramLabel = "JSON", description = "Training spec, e.g. '{\"epochs\":20}'.")
        String trainingSpec;

        @Option(names = "--follow", description = "Then follow the run until it ends.")
        boolean follow;

        @Override
        protected int run() {
            ObjectNode body =
                    Json.MAPPER.createObjectNode().put("datasetName", dataset).put("datasetVersion", version);
            if (trainingSpec != null) {
                try {
                    body.set("spec", Json.MAPPER.readTree(trainingSpec));
                } catch (IOException e) {
                    throw usage("--spec is not JSON: " + e.getMessage());
                }
            }
            JsonNode run = api().post("training", "/training-runs", body).body();
            if (follow) {
                return new Progress(api(), out(), json(), false, Duration.ofSeconds(2), Duration.ofHours(6))
                        .follow(run.path("id").asText());
            }
            if (json()) {
                printJson(run);
            } else {
                out().println("queued run " + run.path("id").asText() + " of " + dataset + " v"
                        + run.path("datasetVersion").asInt() + " ('edgeloop runs follow "
                        + run.path("id").asText()
                        + "')");
            }
            return 0;
        }
    }

    /** Follows a run until it ends. */
    @Command(
            name = "follow",
            description = "Poll a run until it ends: a line per epoch and status change (a progress bar on a terminal;"
                    + " with --output json one JSON object per line). Exit code 0 when it succeeded, 1 otherwise.")
    static final class Follow extends CliCommand {
        @Parameters(paramLabel = "ID", description = "The run's id.")
        String id;

        @Option(names = "--interval", defaultValue = "PT2S", description = "Poll interval (default ${DEFAULT-VALUE}).")
        Duration interval;

        @Option(names = "--timeout", defaultValue = "PT6H", description = "Give up after (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--no-bar", description = "Plain lines even on a terminal.")
        boolean noBar;

        @Override
        protected int run() {
            boolean bar = !noBar && !json() && terminal();
            return new Progress(api(), out(), json(), bar, interval, timeout).follow(id);
        }
    }

    /** Whether standard output is a terminal. */
    static boolean terminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try { // Java 22+: a console exists even when redirected
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    static String epochs(JsonNode r) {
        int max = r.path("maxEpochs").asInt();
        if (r.path("epochs").isNumber()) {
            return r.path("epochs").asInt() + "/" + max;
        }
        return r.path("progress").isObject() ? r.path("progress").path("epoch").asInt() + "/" + max : "0/" + max;
    }

    static String model(JsonNode r) {
        return r.path("modelName").isTextual()
                ? r.path("modelName").asText() + " v" + r.path("modelVersion").asText()
                : "-";
    }

    /** Polls a run, printing each new epoch and status; ends when the run does. */
    static final class Progress {
        private final Api api;
        private final PrintWriter out;
        private final boolean json;
        private final boolean bar;
        private final Poller poller;
        private final Set<String> printed = new HashSet<>();
        private boolean barOpen;

        Progress(Api api, PrintWriter out, boolean json, boolean bar, Duration interval, Duration timeout) {
            this(api, out, json, bar, new Poller(interval.toMillis() < 1 ? Duration.ofMillis(1) : interval, timeout));
        }

        Progress(Api api, PrintWriter out, boolean json, boolean bar, Poller poller) {
            this.api = api;
            this.out = out;
            this.json = json;
            this.bar = bar;
            this.poller = poller;
        }

        int follow(String id) {
            JsonNode run = poller.until(
                    () -> api.get("training", "/training-runs/" + Api.seg(id)),
                    Progress::ended,
                    r -> r.path("status").asText() + "\n" + progress(r),
                    (previous, r) -> {
                        if (ended(r)) {
                            return; // its epochs and status follow below
                        }
                        String status = r.path("status").asText();
                        if (previous == null
                                || !status.equals(previous.path("status").asText())) {
                            status(r);
                        }
                        if (previous == null || !progress(r).equals(progress(previous))) {
                            epochs(id);
                        }
                    },
                    r -> {
                        closeBar();
                        return new CliError(
                                "run " + id + " is still " + r.path("status").asText() + " after " + poller.timeout());
                    });
            epochs(id);
            status(run);
            closeBar();
            out.flush();
            if (run.path("status").asText().equals("FAILED")) {
                throw new CliError(
                        "run " + id + " failed: " + run.path("failureReason").asText("-"));
            }
            return 0;
        }

        private static boolean ended(JsonNode run) {
            String status = run.path("status").asText();
            return status.equals("SUCCEEDED") || status.equals("FAILED");
        }

        /** The run's attempt and progress: a change means new epochs to print. */
        private static String progress(JsonNode run) {
            return run.path("attempt").asText() + ":" + run.path("progress");
        }

        private void epochs(String id) {
            for (JsonNode e : api.get("training", "/training-runs/" + Api.seg(id) + "/epochs")) {
                if (printed.add(e.path("attempt").asInt() + ":" + e.path("seq").asInt())) {
                    epoch(e);
                }
            }
        }

        private void epoch(JsonNode e) {
            if (json) {
                ObjectNode line = Json.MAPPER.createObjectNode().put("type", "epoch");
                line.setAll((ObjectNode) e);
                out.println(line);
            } else if (bar) {
                out.print("\r"
                        + Text.bar(e.path("epoch").asInt(), e.path("maxEpochs").asInt(), 30) + " " + epochLine(e)
                        + "   ");
                barOpen = true;
            } else {
                out.println(epochLine(e));
            }
            out.flush();
        }

        private void status(JsonNode run) {
            if (json) {
                ObjectNode line = Json.MAPPER.createObjectNode().put("type", "status");
                for (String f :
                        new String[] {"id", "status", "attempt", "failureReason", "modelName", "modelVersion"}) {
                    line.set(f, run.path(f).isMissingNode() ? Json.MAPPER.nullNode() : run.path(f));
                }
                line.set(
                        "testAccuracy",
                        run.path("test").path("accuracy").isNumber()
                                ? run.path("test").path("accuracy")
                                : Json.MAPPER.nullNode());
                out.println(line);
            } else {
                closeBar();
                out.println(statusLine(run));
            }
            out.flush();
        }

        private void closeBar() {
            if (barOpen) {
                out.println();
                barOpen = false;
            }
        }
    }

    /** {@code epoch 3/20  train loss 0.4123  val loss 0.3999  val acc 0.8750 [student]}. */
    static String epochLine(JsonNode e) {
        return String.format(
                Locale.ROOT,
                "epoch %d/%d  train loss %s  val loss %s  val acc %s%s",
                e.path("epoch").asInt(),
                e.path("maxEpochs").asInt(),
                Text.num(e.path("trainLoss"), 4),
                Text.num(e.path("validationLoss"), 4),
                Text.num(e.path("validationAccuracy"), 4),
                e.path("phase").isTextual() ? " [" + e.path("phase").asText() + "]" : "");
    }

    /** {@code run <id> RUNNING (motion v1, attempt 1)}, with the outcome once it ended. */
    static String statusLine(JsonNode r) {
        String s = "run " + r.path("id").asText() + " " + r.path("status").asText() + " ("
                + r.path("datasetName").asText() + " v"
                + r.path("datasetVersion").asInt()
                + (r.path("attempt").isNumber()
                        ? ", attempt " + r.path("attempt").asInt()
                        : "") + ")";
        if (r.path("status").asText().equals("SUCCEEDED")) {
            s += ": test accuracy " + Text.num(r.path("test").path("accuracy"), 4) + ", model " + model(r);
        } else if (r.path("status").asText().equals("FAILED")) {
            s += ": " + r.path("failureReason").asText("-");
        }
        return s;
    }
}
