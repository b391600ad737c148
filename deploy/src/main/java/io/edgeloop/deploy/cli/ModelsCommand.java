package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeloop.deploy.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeloop models list|show|promote}: registry-service's models ({@code GET /models}, {@code GET
 * /models/{name}} with {@code GET /models/{name}/versions} and their variants, {@code PUT
 * /models/{name}/aliases/{alias}}).
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "List and inspect models, their versions and variants; move an alias (registry-service).",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Promote.class})
public final class ModelsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Lists models. */
    @Command(name = "list", description = "List models with their latest version.")
    static final class ListModels extends CliCommand {
        @Option(names = "--name-contains", paramLabel = "TEXT", description = "Only models whose name contains it.")
        String contains;

        @Override
        protected int run() {
            JsonNode models = api().get("registry", "/models" + (contains == null ? "" : "?q=" + Api.q(contains)));
            if (json()) {
                printJson(models);
            } else {
                Text.Table t = new Text.Table("NAME", "LATEST", "CREATED", "UPDATED");
                for (JsonNode m : models) {
                    t.row(
                            m.path("name").asText(),
                            "v" + m.path("latestVersion").asInt(),
                            Text.text(m.path("createdAt")),
                            Text.text(m.path("updatedAt")));
                }
                t.print(out());
            }
            return 0;
        }
    }

    /** Shows one model with every version and its variants. */
    @Command(name = "show", description = "Show a model: aliases, versions with lineage and metrics, variants.")
    static final class Show extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "The model.")
        String name;

        @Override
        protected int run() {
            JsonNode model = api().get("registry", "/models/" + Api.seg(name));
            JsonNode versions = api().get("registry", "/models/" + Api.seg(name) + "/versions");
            if (json()) {
                ObjectNode both = Json.MAPPER.createObjectNode();
                both.set("model", model);
                both.set("versions", versions);
                printJson(both);
            } else {
                print(out(), model, versions);
            }
            return 0;
        }

        static void print(PrintWriter out, JsonNode m, JsonNode versions) {
            Text.kv(out, "model", m.path("name").asText());
            Text.kv(out, "latest", "v" + m.path("latestVersion").asInt());
            Text.kv(out, "aliases", Text.pairs(m.path("aliases")));
            Text.kv(out, "tags", Text.pairs(m.path("tags")));
            for (JsonNode v : versions) {
                out.println();
                version(out, v);
            }
        }

        static void version(PrintWriter out, JsonNode v) {
            JsonNode lineage = v.path("lineage");
            out.printf(
                    "v%d  %s  %s  accuracy %s  %s%s%n",
                    v.path("version").asInt(),
                    Text.text(v.path("architecture")),
                    Text.bytes(v.path("sizeBytes")),
                    Text.num(metric(v.path("metrics"), "test_accuracy", "accuracy"), 4),
                    Text.text(v.path("createdAt")),
                    v.path("aliases").isEmpty() ? "" : "  aliases " + Text.list(v.path("aliases"), 10));
            if (lineage.isObject()) {
                out.println("  lineage  " + Text.pairs(lineage));
            }
            Text.Table t = new Text.Table("  VARIANT", "TARGET", "FORMAT", "SIZE", "ACCURACY", "P50 US", "SHA256");
            for (JsonNode x : v.path("variants")) {
                t.row(
                        "  " + x.path("variantId").asText(),
                        x.path("target").asText(),
                        x.path("format").asText(),
                        Text.bytes(x.path("sizeBytes")),
                        Text.num(x.path("metrics").path("accuracy"), 4),
                        Text.num(x.path("metrics").path("latency_p50_us"), 1),
                        DatasetsCommand.abbreviate(x.path("artifactSha256").asText(), 12));
            }
            if (t.size() > 0) {
                t.print(out);
            } else {
                out.println("  no variants yet");
            }
        }

        private static JsonNode metric(JsonNode metrics, String... names) {
            for (String n : names) {
                if (metrics.path(n).isNumber()) {
                    return metrics.path(n);
                }
            }
            return null;
        }
    }

    /** Points an alias at a version. */
    @Command(
            name = "promote",
            description = "Point an alias (e.g. production) at a version; recorded in the model's history.")
    static final class Promote extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The model.")
        String name;

        @Parameters(index = "1", paramLabel = "VERSION", description = "The version.")
        int version;

        @Option(names = "--alias", required = true, paramLabel = "ALIAS", description = "e.g. production.")
        String alias;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the history.")
        String reason;

        @Override
        protected int run() {
            if (version < 1) {
                throw usage("VERSION must be a positive number, was " + version);
            }
            ObjectNode body = Json.MAPPER.createObjectNode().put("version", version);
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode v = api().put("registry", "/models/" + Api.seg(name) + "/aliases/" + Api.seg(alias), body)
                    .body();
            if (json()) {
                printJson(v);
            } else {
                out().println(name + "@" + alias + " -> v" + v.path("version").asInt() + " (aliases of v"
                        + v.path("version").asInt() + ": " + Text.list(v.path("aliases"), 10) + ")");
            }
            return 0;
        }
    }
}
