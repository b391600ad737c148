package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeloop rollouts list|show|start|pause|resume|rollback|watch}: deployment-service's staged rollouts ({@code
 * GET /rollouts}, {@code GET /rollouts/{id}}, {@code POST /rollouts/{id}/start|pause|resume|rollback}).
 */
@Command(
        name = "rollouts",
        mixinStandardHelpOptions = true,
        description = "List and inspect rollouts; start, pause, resume, roll back or watch one (deployment-service).",
        subcommands = {
            RolloutsCommand.ListRollouts.class,
            RolloutsCommand.Show.class,
            RolloutsCommand.Start.class,
            RolloutsCommand.Pause.class,
            RolloutsCommand.Resume.class,
            RolloutsCommand.Rollback.class,
            RolloutsCommand.Watch.class
        })
public final class RolloutsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Lists rollouts, newest first. */
    @Command(name = "list", description = "List rollouts, newest first.")
    static final class ListRollouts extends CliCommand {
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected int run() {
            JsonNode rollouts = api().get("deployment", "/rollouts?limit=" + limit);
            return emit(rollouts, () -> table(rollouts).print(out()));
        }

        static Text.Table table(JsonNode rollouts) {
            Text.Table t = new Text.Table("ID", "MODEL", "STATUS", "WAVE", "DEVICES", "POLICY", "CREATED");
            for (JsonNode r : rollouts) {
                t.row(
                        r.path("id").asText(),
                        r.path("modelName").asText() + " v"
                                + r.path("modelVersion").asInt(),
                        r.path("status").asText(),
                        wave(r),
                        r.path("devicesActive").asInt() + "/"
                                + r.path("devicesTargeted").asInt() + " active",
                        Text.text(r.path("policyName")),
                        Text.text(r.path("createdAt")));
            }
            return t;
        }
    }

    /** Shows one rollout with its waves, gates and history. */
    @Command(name = "show", description = "Show a rollout: waves with their gate verdicts, devices, history.")
    static final class Show extends CliCommand {
        @Parameters(paramLabel = "ID", description = "The rollout's id.")
        String id;

        @Override
        protected int run() {
            JsonNode r = api().get("deployment", "/rollouts/" + Api.seg(id));
            return emit(r, () -> print(out(), r));
        }
    }

    /** Base of the control commands: POST an action, print the rollout as it is after it. */
    abstract static class Control extends CliCommand {
        @Parameters(paramLabel = "ID", description = "The rollout's id.")
        String id;

        abstract String action();

        @Override
        protected int run() {
            JsonNode r = api().post("deployment", "/rollouts/" + Api.seg(id) + "/" + action(), null)
                    .body();
            if (json()) {
                printJson(r);
            } else {
                out().println(action() + ": rollout " + r.path("id").asText() + " of "
                        + r.path("modelName").asText() + " v"
                        + r.path("modelVersion").asInt() + " is now "
                        + r.path("status").asText());
            }
            return 0;
        }
    }

    /** Starts a held rollout. */
    @Command(name = "start", description = "Start a HELD rollout with the model's current policy.")
    static final class Start extends Control {
        @Override
        String action() {
            return "start";
        }
    }

    /** Pauses a rollout. */
    @Command(name = "pause", description = "Pause a rollout that is rolling out.")
    static final class Pause extends Control {
        @Override
        String action() {
            return "pause";
        }
    }

    /** Resumes a rollout. */
    @Command(name = "resume", description = "Resume a paused rollout.")
    static final class Resume extends Control {
        @Override
        String action() {
            return "resume";
        }
    }

    /** Rolls a rollout back. */
    @Command(
            name = "rollback",
            description = "Roll a rollout back: its devices return to their last known good deployment.")
    static final class Rollback extends Control {
        @Override
        String action() {
            return "rollback";
        }
    }

    /** Watches a rollout until it ends. */
    @Command(
            name = "watch",
            description = "Poll a rollout until it ends: a line per change of status, wave or active devices (with"
                    + " --output json one JSON object per line). Exit code 0 when it COMPLETED, 1 when it ended"
                    + " otherwise (ROLLED_BACK, REJECTED, SUPERSEDED, FAILED).")
    static final class Watch extends CliCommand {
        private static final java.util.Set<String> ENDED =
                java.util.Set.of("COMPLETED", "ROLLED_BACK", "REJECTED", "SUPERSEDED", "FAILED");

        @Parameters(paramLabel = "ID", description = "The rollout's id.")
        String id;

        @Option(names = "--interval", defaultValue = "PT2S", description = "Poll interval (default ${DEFAULT-VALUE}).")
        java.time.Duration interval;

        @Option(names = "--timeout", defaultValue = "PT6H", description = "Give up after (default ${DEFAULT-VALUE}).")
        java.time.Duration timeout;

        @Override
        protected int run() {
            return watch(new Poller(interval, timeout));
        }

        /** Polls the rollout with {@code poller}, a line per change; 0 when it COMPLETED. */
        int watch(Poller poller) {
            JsonNode r = poller.until(
                    () -> api().get("deployment", "/rollouts/" + Api.seg(id)),
                    rollout -> ENDED.contains(rollout.path("status").asText()),
                    Watch::line,
                    (previous, rollout) -> print(rollout),
                    rollout -> new CliError("rollout " + id + " is still "
                            + rollout.path("status").asText() + " after " + poller.timeout()));
            String status = r.path("status").asText();
            if (status.equals("COMPLETED")) {
                return 0;
            }
            throw new CliError("rollout " + id + " ended " + status
                    + (r.path("statusReason").isTextual()
                            ? ": " + r.path("statusReason").asText()
                            : ""));
        }

        private void print(JsonNode r) {
            if (json()) {
                com.fasterxml.jackson.databind.node.ObjectNode o =
                        io.edgeloop.deploy.Json.MAPPER.createObjectNode().put("type", "rollout");
                o.setAll((com.fasterxml.jackson.databind.node.ObjectNode) r);
                out().println(o);
            } else {
                out().println(line(r));
            }
            out().flush();
        }

        static String line(JsonNode r) {
            return "rollout " + r.path("id").asText() + " of "
                    + r.path("modelName").asText() + " v"
                    + r.path("modelVersion").asInt() + " " + r.path("status").asText() + ", wave " + wave(r) + ", "
                    + r.path("devicesActive").asInt() + "/"
                    + r.path("devicesTargeted").asInt() + " active"
                    + (r.path("statusReason").isTextual()
                            ? ": " + r.path("statusReason").asText()
                            : "");
        }
    }

    static String wave(JsonNode r) {
        return r.path("currentWave").isNumber()
                ? r.path("currentWave").asInt() + "/" + r.path("wavesTotal").asInt()
                : "-/" + Text.text(r.path("wavesTotal"));
    }

    static void print(PrintWriter out, JsonNode r) {
        Text.kv(out, "rollout", r.path("id").asText());
        Text.kv(
                out,
                "model",
                r.path("modelName").asText() + " v" + r.path("modelVersion").asInt());
        Text.kv(
                out,
                "status",
                r.path("status").asText()
                        + (r.path("statusReason").isTextual()
                                ? ": " + r.path("statusReason").asText()
                                : ""));
        Text.kv(out, "policy", Text.text(r.path("policyName")) + ", selector " + Text.pairs(r.path("selector")));
        Text.kv(out, "wave", wave(r));
        Text.kv(
                out,
                "devices",
                r.path("devicesActive").asInt() + " of "
                        + r.path("devicesTargeted").asInt() + " active");
        Text.kv(
                out,
                "created",
                Text.text(r.path("createdAt"))
                        + (r.path("finishedAt").isTextual()
                                ? ", finished " + r.path("finishedAt").asText()
                                : ""));
        out.println();
        Text.Table waves = new Text.Table("WAVE", "STATE", "DEVICES", "GATE", "WINDOWS", "ERROR RATE", "REASONS");
        for (JsonNode w : r.path("waves")) {
            JsonNode g = w.path("gate");
            waves.row(
                    w.path("wave").asInt(),
                    w.path("state").asText(),
                    Text.list(w.path("deviceIds"), 8),
                    g.isObject() ? g.path("outcome").asText() : "-",
                    g.isObject() ? g.path("windows").asText() : "-",
                    Text.num(g.path("errorRate"), 4),
                    g.isObject() ? Text.list(g.path("reasons"), 3) : "-");
        }
        waves.print(out);
        out.println();
        Text.Table history = new Text.Table("AT", "ACTION", "WAVE", "ACTOR", "DETAIL");
        for (JsonNode h : r.path("history")) {
            history.row(
                    Text.text(h.path("at")),
                    h.path("action").asText(),
                    Text.text(h.path("wave")),
                    Text.text(h.path("actor")),
                    Text.text(h.path("detail")));
        }
        history.print(out);
    }
}
