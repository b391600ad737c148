package io.edgeloop.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.deploy.Json;
import io.edgeloop.deploy.LocalStack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The everyday CLI against a running stack, in this JVM: every command with {@code --output json}, parsed and checked
 * against what the stack holds, as a user of {@code --work-dir} would run it; and one usage error.
 */
public final class CliCheck {
    private CliCheck() {}

    /**
     * Runs the commands against {@code stack}, which must hold at least one data set with a snapshot, a trained and
     * registered model with variants, a training run, a rollout, registered devices and a deployed model whose drift
     * monitoring knows (FleetEndToEndIT's stack: data sets motion, strokes, hum, sensors; its five models).
     */
    public static void against(LocalStack stack) {
        String dir = stack.workDir().toString();
        JsonNode datasets = json(dir, "datasets", "list");
        assertTrue(
                names(datasets, "name").containsAll(Set.of("motion", "sensors")),
                "datasets list: " + names(datasets, "name"));

        JsonNode sensors = json(dir, "datasets", "show", "sensors");
        assertEquals("sensors", sensors.path("dataset").path("name").asText());
        int latest = sensors.path("dataset").path("latestVersion").asInt();
        assertTrue(latest >= 1 && sensors.path("snapshots").size() == latest, "datasets show sensors: " + sensors);
        // nothing changed since: the latest snapshot again (no new version, so no new training run)
        JsonNode snapshot = json(dir, "datasets", "snapshot", "sensors");
        assertEquals(latest, snapshot.path("version").asInt(), "datasets snapshot sensors: " + snapshot);

        JsonNode models = json(dir, "models", "list");
        assertTrue(
                names(models, "name").containsAll(Set.of("motion", "team-a-classifier")),
                "models list: " + names(models, "name"));
        JsonNode motion = json(dir, "models", "show", "motion");
        assertEquals("motion", motion.path("model").path("name").asText());
        JsonNode v1 = motion.path("versions").get(0);
        assertEquals(1, v1.path("version").asInt(), "models show motion: " + motion);
        assertFalse(v1.path("variants").isEmpty(), "motion v1 has variants: " + v1);
        String text = run(dir, "models", "show", "motion");
        assertTrue(
                text.contains("v1  ")
                        && text.contains(
                                v1.path("variants").get(0).path("target").asText()),
                text);

        JsonNode runs = json(dir, "runs", "list", "--dataset", "motion");
        assertFalse(runs.isEmpty(), "runs list --dataset motion");
        String runId = v1.path("lineage").path("trainingRunId").asText();
        assertTrue(names(runs, "id").contains(runId), "runs list has motion v1's run " + runId);
        JsonNode run = json(dir, "runs", "show", runId);
        assertEquals("SUCCEEDED", run.path("status").asText(), "runs show: " + run);
        assertEquals("motion", run.path("modelName").asText());
        String followed = run(dir, "runs", "follow", runId);
        assertTrue(followed.contains("run " + runId + " SUCCEEDED"), "runs follow of a finished run: " + followed);

        JsonNode rollouts = json(dir, "rollouts", "list");
        assertTrue(names(rollouts, "modelName").contains("team-a-classifier"), "rollouts list: " + rollouts);
        String rolloutId = rollouts.get(0).path("id").asText();
        assertEquals(
                rolloutId, json(dir, "rollouts", "show", rolloutId).path("id").asText());

        JsonNode devices = json(dir, "devices", "list");
        assertTrue(
                names(devices, "id").containsAll(stack.deviceIds()),
                "devices list: " + names(devices, "id") + " vs " + stack.deviceIds());

        JsonNode drift = json(dir, "drift", "show", "motion");
        assertEquals("motion", drift.path("modelName").asText(), "drift show motion: " + drift);
        assertTrue(drift.path("modelVersion").asInt() >= 1, "drift show motion: " + drift);

        Cli.Result usage = Cli.run("models", "promote", "motion", "--work-dir", dir);
        assertEquals(2, usage.code(), "a missing VERSION is a usage error: " + usage);
        Cli.Result unknown = Cli.run("models", "show", "no-such-model", "--work-dir", dir);
        assertEquals(1, unknown.code(), "an unknown model: " + unknown);
        assertTrue(unknown.err().startsWith("error: ") && unknown.err().contains("404"), unknown.err());
    }

    private static String run(String dir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--work-dir");
        all.add(dir);
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", args) + " failed:\n" + r.err() + r.out());
        return r.out();
    }

    private static JsonNode json(String dir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--output");
        all.add("json");
        String out = run(dir, all.toArray(String[]::new));
        try {
            return Json.MAPPER.readTree(out);
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", args) + " printed no JSON:\n" + out, e);
        }
    }

    private static List<String> names(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(n -> n.path(field).asText())
                .toList();
    }
}
