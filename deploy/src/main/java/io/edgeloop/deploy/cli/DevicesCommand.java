package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgeloop devices list}: deployment-service's device twins ({@code GET /devices}). */
@Command(
        name = "devices",
        mixinStandardHelpOptions = true,
        description = "List the fleet's devices: connection, labels, what each serves (deployment-service).",
        subcommands = {DevicesCommand.ListDevices.class})
public final class DevicesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Lists devices. */
    @Command(name = "list", description = "List devices with their labels and each model's desired/reported state.")
    static final class ListDevices extends CliCommand {
        @Override
        protected int run() {
            JsonNode devices = api().get("deployment", "/devices");
            return emit(devices, () -> table(devices).print(out()));
        }

        static Text.Table table(JsonNode devices) {
            Text.Table t = new Text.Table("ID", "CONNECTED", "IN SYNC", "LAST SEEN", "LABELS", "MODELS");
            for (JsonNode d : devices) {
                t.row(
                        d.path("id").asText() + (d.path("revokedAt").isTextual() ? " (revoked)" : ""),
                        d.path("connected").asBoolean() ? "yes" : "no",
                        d.path("inSync").asBoolean() ? "yes" : "no",
                        Text.text(d.path("lastSeenAt")),
                        Text.pairs(d.path("labels")),
                        models(d.path("models")));
            }
            return t;
        }

        /** {@code motion v2 ACTIVE, hum v1 DOWNLOADING}: each model's reported version and state. */
        static String models(JsonNode models) {
            List<String> parts = new ArrayList<>();
            for (JsonNode m : models) {
                JsonNode reported = m.path("reported");
                String state = reported.isObject()
                        ? "v" + reported.path("modelVersion").asInt() + " "
                                + reported.path("state").asText()
                        : m.path("desired").isObject()
                                ? "v" + m.path("desired").path("modelVersion").asInt() + " assigned"
                                : m.path("desiredState").asText();
                parts.add(m.path("modelName").asText() + " " + state);
            }
            return parts.isEmpty() ? "-" : String.join(", ", parts);
        }
    }
}
